import { AppError } from '../lib/errors.js';

/**
 * Meta's currency "offset" (https://developers.facebook.com/docs/marketing-api/currencies): the number
 * of minor units in one major unit, as Meta counts them for budgets and bids. It is 100 for every
 * currency Meta supports except these, which Meta treats as having no minor unit. Meta's table differs
 * from ISO 4217 in places: HUF, TWD, COP, CRC and ISK have no minor unit at Meta, and BHD, JOD and KWD-like
 * three-decimal currencies use an offset of 100, not 1000 — so no Meta currency has three decimals.
 */
const OFFSET_ONE: ReadonlySet<string> = new Set([
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

export function currencyOffset(currency: string): 1 | 100 {
  return OFFSET_ONE.has(currency.toUpperCase()) ? 1 : 100;
}

export function minorUnitDigits(currency: string): 0 | 2 {
  return currencyOffset(currency) === 1 ? 0 : 2;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A major-unit decimal as Meta's insights send it ("2843.19") → integer minor units of the account
 * currency (284319 for USD; "1500" → 1500 for JPY). Works on the digits of the string, never through
 * float multiplication (0.29 * 100 is 28.999999999999996). Digits beyond the currency's minor unit are
 * rounded half away from zero.
 */
export function majorToMinor(amount: string | number, currency: string): number {
  const text = typeof amount === 'number' ? numberToPlainString(amount) : amount.trim();
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new AppError({
      code: 'meta_bad_response',
      verdict: 'invalid',
      message: `Meta sent "${String(amount).slice(0, 40)}" where a money amount was expected.`,
    });
  }
  const sign = m[1] === '-' ? -1n : 1n;
  const digits = minorUnitDigits(currency);
  const whole = BigInt(m[2] || '0');
  const frac = m[3] ?? '';
  const kept = frac.slice(0, digits).padEnd(digits, '0');
  let minor = whole * 10n ** BigInt(digits) + BigInt(kept || '0');
  const next = frac.charCodeAt(digits);
  if (!Number.isNaN(next) && next >= 53 /* '5' */) minor += 1n;
  const result = sign * minor;
  if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new AppError({
      code: 'meta_bad_response',
      verdict: 'invalid',
      message: `Meta sent a money amount too large to hold exactly (${text.slice(0, 40)}).`,
    });
  }
  // -0 would print oddly and compare equal anyway; keep plain zero.
  return result === 0n ? 0 : Number(result);
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  // Shortest round-trip form; toFixed avoids exponent notation for tiny or huge values.
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Budgets arrive in minor units already, as strings ("2000") or integers. */
export function parseMinorUnits(value: string | number): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new AppError({
      code: 'meta_bad_response',
      verdict: 'invalid',
      message: `Meta sent "${String(value).slice(0, 40)}" where a budget in minor units was expected.`,
    });
  }
  return n;
}
