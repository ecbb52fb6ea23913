import { describe, expect, it } from 'vitest';
import {
  cpaBounds,
  formatConfidence,
  isConfidentlyBetter,
  isConfidentlyWorse,
  poissonBounds,
} from '../../../src/domain/evidence.js';
import { count } from '../../../src/domain/rules/evidence.js';

describe('Poisson bounds on the purchase count', () => {
  it('uses χ²(c; 2k+2)/2 above and χ²(1−c; 2k)/2 below', () => {
    const two = poissonBounds(2, 0.9);
    expect(two.upper).toBeCloseTo(10.644640675668422 / 2, 9);
    expect(two.lower).toBeCloseTo(1.063623216779224 / 2, 9);
    const ten = poissonBounds(10, 0.9);
    expect(ten.lower).toBeCloseTo(12.442609210450062 / 2, 9);
    expect(ten.upper).toBeCloseTo(30.813282343953027 / 2, 9);
  });

  it('has a lower bound of zero with no purchases, and an upper bound of −ln(1 − c)', () => {
    const none = poissonBounds(0, 0.9);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(-Math.log(0.1), 10);
    expect(none.upper.toFixed(2)).toBe('2.30');
  });

  it('widens as the confidence level rises', () => {
    const at90 = poissonBounds(6, 0.9);
    const at95 = poissonBounds(6, 0.95);
    expect(at95.upper).toBeGreaterThan(at90.upper);
    expect(at95.lower).toBeLessThan(at90.lower);
    expect(at95.upper).toBeCloseTo(23.684791304840576 / 2, 9);
  });

  it('refuses fractional counts and confidence outside (0.5, 1)', () => {
    expect(() => poissonBounds(1.5, 0.9)).toThrow(RangeError);
    expect(() => poissonBounds(-1, 0.9)).toThrow(RangeError);
    expect(() => poissonBounds(3, 0.4)).toThrow(RangeError);
    expect(() => poissonBounds(3, 1)).toThrow(RangeError);
  });
});

describe('CPA bounds', () => {
  it('divides spend by the count bounds: $1,030.50 on 2 purchases is $194–$1,938', () => {
    const b = cpaBounds(103_050, 2, 0.9);
    expect(b.cpa).toBe(51_525);
    expect(Math.round(b.cpaLow)).toBe(19_362);
    expect(Math.round(b.cpaHigh!)).toBe(Math.round(103_050 / (1.063623216779224 / 2)));
  });

  it('is confidently worse than $120 only when even the low bound is above it', () => {
    expect(isConfidentlyWorse(cpaBounds(103_050, 2, 0.9), 12_000)).toBe(true);
    // $620.40 on 2 purchases: CPA $310, but the low bound is $116.57: not proven.
    expect(isConfidentlyWorse(cpaBounds(62_040, 2, 0.9), 12_000)).toBe(false);
  });

  it('is confidently better only when the high bound is below target, never with no purchases', () => {
    expect(isConfidentlyBetter(cpaBounds(68_370, 10, 0.9), 12_000)).toBe(true);
    expect(isConfidentlyBetter(cpaBounds(39_550, 6, 0.9), 12_000)).toBe(false);
    expect(isConfidentlyBetter(cpaBounds(0, 0, 0.9), 12_000)).toBe(false);
    expect(cpaBounds(5_000, 0, 0.9).cpaHigh).toBeNull();
  });

  it('formats the level with a spaced percent sign', () => {
    expect(formatConfidence(0.9)).toBe('90 %');
    expect(formatConfidence(0.975)).toBe('97.5 %');
  });
});

describe('integer formatting in sentences', () => {
  it('groups thousands the en-US way', () => {
    for (const n of [0, 7, 999, 1_000, 45_221, 1_234_567, -12_345, 100_000_000]) {
      expect(count(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
