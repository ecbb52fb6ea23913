import { currencyExponent, minorUnitsPerMajor, toMinorUnits } from '../domain/money.js';
import { AppError, isAppError } from '../lib/errors.js';

/**
 * Money at the Meta edge. The currency table is the domain's (src/domain/money.ts), which follows Meta's
 * own "offset" per currency (https://developers.facebook.com/docs/marketing-api/currencies): 100 for
 * most, 1 for CLP, COP, CRC, HUF, IDR, ISK, JPY, KRW, PYG, TWD and VND. Meta's table differs from
 * ISO 4217: three-decimal ISO currencies (BHD, JOD, KWD) have an offset of 100 at Meta, so no Meta
 * currency has three decimals. This module only turns what Meta sends into that unit, and names a bad
 * value for what it is: a response MetaBuyer cannot read.
 */

export function currencyOffset(currency: string): number {
  return minorUnitsPerMajor(currency);
}

export function minorUnitDigits(currency: string): number {
  return currencyExponent(currency);
}

function badResponse(message: string): AppError {
  return new AppError({ code: 'meta_bad_response', verdict: 'invalid', message });
}

/**
 * A major-unit decimal as Meta's insights send it ("2843.19") → integer minor units of the account
 * currency (284319 for USD; "1500" → 1500 for JPY), from the digits of the string, never through float
 * multiplication (0.29 * 100 is 28.999999999999996). Digits beyond the minor unit round half away from zero.
 */
export function majorToMinor(amount: string | number, currency: string): number {
  const text = typeof amount === 'number' ? numberToPlainString(amount) : amount;
  try {
    return toMinorUnits(text, currency);
  } catch (e) {
    if (isAppError(e)) {
      throw badResponse(
        `Meta sent "${String(amount).slice(0, 40)}" where a money amount in ${currency} was expected.`,
      );
    }
    throw e;
  }
}

/** The shortest exact decimal form of a number Meta sent unquoted; never exponent notation. */
function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Budgets arrive in minor units already, as strings ("2000") or integers. */
export function parseMinorUnits(value: string | number): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw badResponse(
      `Meta sent "${String(value).slice(0, 40)}" where a budget in minor units was expected.`,
    );
  }
  return n;
}
