import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMoney,
  minorUnitsPerMajor,
  toMajorUnits,
  toMinorUnits,
  zeroDecimalCurrencies,
} from '../../../src/domain/money.js';
import { AppError } from '../../../src/lib/errors.js';

describe('currency exponents (Meta offsets)', () => {
  it('stores USD and EUR in cents and JPY, KRW in whole units', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('krw')).toBe(0);
    expect(minorUnitsPerMajor('USD')).toBe(100);
    expect(minorUnitsPerMajor('JPY')).toBe(1);
  });

  it("follows Meta's table where it differs from ISO 4217", () => {
    // Meta: offset 1 for HUF, TWD, COP, CRC, IDR (ISO: 2); offset 100 for BHD, JOD, KWD (ISO: 3).
    for (const code of ['HUF', 'TWD', 'COP', 'CRC', 'IDR']) expect(currencyExponent(code)).toBe(0);
    for (const code of ['BHD', 'JOD', 'KWD']) expect(currencyExponent(code)).toBe(2);
    expect(zeroDecimalCurrencies()).toEqual([
      'CLP',
      'COP',
      'CRC',
      'HUF',
      'IDR',
      'ISK',
      'JPY',
      'KRW',
      'PYG',
      'TWD',
      'VND',
    ]);
  });
});

describe('toMinorUnits', () => {
  it('parses decimal text exactly, without float error', () => {
    expect(toMinorUnits('2843.19', 'USD')).toBe(284_319);
    expect(toMinorUnits('0.29', 'USD')).toBe(29);
    expect(toMinorUnits('63.4', 'USD')).toBe(6_340);
    expect(toMinorUnits('120', 'USD')).toBe(12_000);
    expect(toMinorUnits('.5', 'USD')).toBe(50);
    expect(toMinorUnits(' 7. ', 'USD')).toBe(700);
  });

  it('takes JPY amounts as whole yen', () => {
    expect(toMinorUnits('2000', 'JPY')).toBe(2_000);
    expect(toMinorUnits('2000.00', 'JPY')).toBe(2_000);
    expect(toMinorUnits('1999.5', 'JPY')).toBe(2_000);
  });

  it('rounds extra digits half away from zero', () => {
    expect(toMinorUnits('1.005', 'USD')).toBe(101);
    expect(toMinorUnits('1.0049', 'USD')).toBe(100);
    expect(toMinorUnits('-1.005', 'USD')).toBe(-101);
    expect(toMinorUnits('-0.001', 'USD')).toBe(0);
  });

  it('refuses anything that is not a plain decimal', () => {
    for (const bad of ['', '.', 'abc', '1,000', '1e3', '$5', '1.2.3']) {
      expect(() => toMinorUnits(bad, 'USD')).toThrow(AppError);
    }
    expect(() => toMinorUnits('99999999999999999', 'USD')).toThrow(/too large/);
  });
});

describe('formatMoney', () => {
  it('prints USD with cents and thousands separators', () => {
    expect(formatMoney(284_319, 'USD')).toBe('$2,843.19');
    expect(formatMoney(12_000, 'USD')).toBe('$120.00');
    expect(formatMoney(-550, 'USD')).toBe('-$5.50');
  });

  it('prints JPY without decimals', () => {
    expect(formatMoney(2_000, 'JPY')).toBe('¥2,000');
    expect(formatMoney(1_234_567, 'JPY')).toBe('¥1,234,567');
  });

  it("uses Meta's offset, not Intl's, for the fraction digits", () => {
    expect(formatMoney(1_234, 'HUF')).toMatch(/^HUF\s1,234$/u);
  });

  it('rounds to whole units for sentences', () => {
    expect(formatMoney(14_964, 'USD', { wholeUnits: true })).toBe('$150');
    expect(formatMoney(2_000, 'JPY', { wholeUnits: true })).toBe('¥2,000');
  });

  it('round-trips with toMajorUnits', () => {
    expect(toMajorUnits(284_319, 'USD')).toBe(2843.19);
    expect(toMajorUnits(2_000, 'JPY')).toBe(2000);
  });
});
