import { AppError } from '../lib/errors.js';

/**
 * Money is an integer count of the account currency's minor units, exactly as Meta stores budgets.
 *
 * Meta's own currency table ("Currency codes", Marketing API) gives each currency an *offset*: 100 for
 * most, 1 for the currencies below. It differs from ISO 4217 in places: Meta treats HUF, TWD, COP, CRC
 * and IDR as having no minor unit (ISO gives them 2), and BHD, JOD and KWD as having two (ISO gives 3).
 * Budgets written to Meta follow Meta's offset, so this table does too. Any currency not listed has
 * offset 100 (exponent 2).
 */
const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
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

/** Decimal places of the minor unit: 0 for JPY-like currencies, 2 otherwise. */
export type CurrencyExponent = 0 | 2;

/** Number of decimal places between a major amount and the minor units Meta stores. */
export function currencyExponent(currency: string): CurrencyExponent {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toUpperCase()) ? 0 : 2;
}

/** Meta's "offset": how many minor units make one major unit (100 or 1). */
export function minorUnitsPerMajor(currency: string): number {
  return currencyExponent(currency) === 0 ? 1 : 100;
}

/** The currencies Meta stores without a minor unit, sorted. */
export function zeroDecimalCurrencies(): string[] {
  return [...ZERO_DECIMAL_CURRENCIES].sort();
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * "2843.19" USD → 284319; "2000" JPY → 2000. Parses the decimal text itself (never through a float, so
 * "0.29" is 29 and not 28.999…). Digits beyond the currency's exponent are rounded half away from zero,
 * as Meta rounds spend. Throws AppError `invalid_amount` on anything that is not a plain decimal.
 */
export function toMinorUnits(decimal: string, currency: string): number {
  const text = decimal.trim();
  const match = DECIMAL.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '')) {
    throw new AppError({
      code: 'invalid_amount',
      verdict: 'invalid',
      message: `"${decimal}" is not a decimal amount of ${currency}.`,
    });
  }
  const exponent = currencyExponent(currency);
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const roundUp = (fraction[exponent] ?? '0') >= '5';
  const magnitude = Number((whole || '0') + kept) + (roundUp ? 1 : 0);
  if (!Number.isSafeInteger(magnitude)) {
    throw new AppError({
      code: 'invalid_amount',
      verdict: 'invalid',
      message: `"${decimal}" ${currency} is too large to hold exactly.`,
    });
  }
  return match[1] === '-' && magnitude !== 0 ? -magnitude : magnitude;
}

/** Minor units → major units as a number, for display arithmetic only (never for storage or writes). */
export function toMajorUnits(minor: number, currency: string): number {
  return minor / minorUnitsPerMajor(currency);
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, fractionDigits: number): Intl.NumberFormat {
  const key = `${currency}|${fractionDigits}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    // The fraction digits come from Meta's table, not from Intl's ISO data: Intl would print
    // "HUF 1,234.00" for an amount Meta holds in whole forints.
    formatter = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

export interface FormatMoneyOptions {
  /** Round to whole major units ("$150" rather than "$149.64"), for sentences. */
  wholeUnits?: boolean;
}

/** 284319 USD → "$2,843.19"; 2000 JPY → "¥2,000" (en-US, as operators read it in Slack and the CLI). */
export function formatMoney(minor: number, currency: string, options: FormatMoneyOptions = {}): string {
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const digits = options.wholeUnits ? 0 : exponent;
  return formatterFor(code, digits).format(minor / 10 ** exponent);
}
