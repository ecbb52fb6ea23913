import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  chiSquareQuantile,
  logGamma,
  regularizedGammaP,
} from '../../../src/domain/chi-square.js';

// Reference values: printed χ² tables (4 decimals) and SciPy's chi2.ppf (full precision).
const TABLE: [p: number, dof: number, x: number][] = [
  [0.9, 2, 4.605170185988092],
  [0.9, 6, 10.644640675668422],
  [0.1, 12, 6.303796059584324],
  [0.9, 26, 35.563171271923466],
  [0.1, 20, 12.442609210450062],
  [0.95, 1, 3.841458820694124],
  [0.05, 1, 0.003932140000019522],
  [0.975, 10, 20.483177350807388],
  [0.5, 2, 1.386294361119891],
  [0.999, 3, 16.26623619623813],
  [0.001, 3, 0.024297585815692732],
];

const LARGE_DOF: [p: number, dof: number, x: number][] = [
  [0.9, 200, 226.02104771968897],
  [0.1, 200, 174.8352729991873],
  [0.9, 1000, 1057.723901381614],
  [0.1, 1000, 943.132562342892],
  [0.9, 20000, 20256.734747348353],
];

describe('chi-square quantile', () => {
  it('matches the printed table to four decimals', () => {
    expect(chiSquareQuantile(0.9, 2).toFixed(4)).toBe('4.6052');
    expect(chiSquareQuantile(0.9, 6).toFixed(4)).toBe('10.6446');
    expect(chiSquareQuantile(0.1, 12).toFixed(4)).toBe('6.3038');
    expect(chiSquareQuantile(0.9, 26).toFixed(4)).toBe('35.5632');
    expect(chiSquareQuantile(0.1, 20).toFixed(4)).toBe('12.4426');
  });

  it.each(TABLE)('χ²(%s; %s) agrees with the reference to 1e-6', (p, dof, x) => {
    expect(Math.abs(chiSquareQuantile(p, dof) - x) / x).toBeLessThan(1e-6);
  });

  it.each(LARGE_DOF)('χ²(%s; %s) stays accurate at large degrees of freedom', (p, dof, x) => {
    expect(Math.abs(chiSquareQuantile(p, dof) - x) / x).toBeLessThan(1e-9);
  });

  it('inverts the CDF across a grid of probabilities and degrees of freedom', () => {
    for (const dof of [0.5, 1, 2, 3, 7, 30, 101, 5000]) {
      for (const p of [1e-6, 0.001, 0.05, 0.1, 0.5, 0.9, 0.95, 0.999, 1 - 1e-9]) {
        expect(Math.abs(chiSquareCdf(chiSquareQuantile(p, dof), dof) - p)).toBeLessThan(1e-9);
      }
    }
  });

  it('refuses probabilities outside (0, 1) and non-positive degrees of freedom', () => {
    expect(() => chiSquareQuantile(0, 2)).toThrow(RangeError);
    expect(() => chiSquareQuantile(1, 2)).toThrow(RangeError);
    expect(() => chiSquareQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('incomplete gamma', () => {
  it('gives the known CDF values', () => {
    expect(chiSquareCdf(3, 5)).toBeCloseTo(0.3000141641213724, 12);
    expect(chiSquareCdf(50, 30)).toBeCloseTo(0.9875979392810995, 12);
    expect(chiSquareCdf(0.001, 1)).toBeCloseTo(0.02522712063003961, 12);
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    expect(regularizedGammaP(3, 0)).toBe(0);
  });

  it('has ln Γ right at integers and one half', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });
});
