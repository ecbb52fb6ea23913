import { describe, expect, it } from 'vitest';
import { currencyOffset, majorToMinor, parseMinorUnits } from '../../../src/meta/money.js';

describe('money at the edge', () => {
  it('converts USD spend strings to cents exactly', () => {
    expect(majorToMinor('2843.19', 'USD')).toBe(284319);
    expect(majorToMinor('0.29', 'USD')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(majorToMinor('1.1', 'USD')).toBe(110);
    expect(majorToMinor('12', 'USD')).toBe(1200);
    expect(majorToMinor('0', 'USD')).toBe(0);
    expect(majorToMinor('.5', 'EUR')).toBe(50);
  });

  it('adds up many float-hostile amounts without drift', () => {
    const amounts = Array.from({ length: 1000 }, () => '0.07');
    expect(amounts.reduce((s, a) => s + majorToMinor(a, 'USD'), 0)).toBe(7000);
  });

  it('treats JPY, KRW and the other offset-1 currencies as having no minor unit', () => {
    expect(majorToMinor('1500', 'JPY')).toBe(1500);
    expect(majorToMinor('1500.4', 'JPY')).toBe(1500);
    expect(majorToMinor('1500.5', 'JPY')).toBe(1501);
    for (const c of ['KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'IDR', 'COP', 'CRC', 'PYG']) {
      expect(currencyOffset(c), c).toBe(1);
    }
  });

  it("uses Meta's offset of 100 for three-decimal ISO currencies, rounding a third decimal half up", () => {
    expect(currencyOffset('BHD')).toBe(100);
    expect(currencyOffset('JOD')).toBe(100);
    expect(majorToMinor('1.234', 'BHD')).toBe(123);
    expect(majorToMinor('1.235', 'BHD')).toBe(124);
  });

  it('accepts numbers as Meta sometimes sends them, through their exact decimal form', () => {
    expect(majorToMinor(89.39, 'USD')).toBe(8939);
    expect(majorToMinor(0.1 + 0.2, 'USD')).toBe(30);
  });

  it('refuses text that is not an amount rather than guessing', () => {
    expect(() => majorToMinor('12,50', 'EUR')).toThrow(/money amount in/);
    expect(() => majorToMinor('', 'USD')).toThrow(/money amount in/);
    expect(() => majorToMinor('abc', 'USD')).toThrow(/money amount in/);
  });

  it('reads budgets, which are minor units already', () => {
    expect(parseMinorUnits('2000')).toBe(2000);
    expect(parseMinorUnits(15000)).toBe(15000);
    expect(() => parseMinorUnits('20.00')).toThrow(/minor units/);
  });
});
