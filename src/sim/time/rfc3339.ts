/**
 * RFC 3339 date-times, accepted exactly as JSON Schema's `date-time` format does (ajv-formats): `T`, `t`
 * or a space between date and time, seconds required, optional fraction, and `Z` or an offset written
 * `+HH`, `+HHMM` or `+HH:MM`. Date.parse accepts a different set, so scenarios are parsed here.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function isValidCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const max = m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m] ?? 0);
  return d <= max;
}

/** Epoch milliseconds of an RFC 3339 date-time, or undefined when it is not one. */
export function parseRfc3339(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isValidCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 60) return undefined;
  const offH = m[10] === undefined ? 0 : Number(m[10]);
  const offM = m[11] === undefined ? 0 : Number(m[11]);
  if (offH > 23 || offM > 59) return undefined;
  const sign = m[9] === '-' ? -1 : 1;
  const fraction = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  // A leap second (:60) is read as the first instant of the next minute.
  const utc = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)) + (s === 60 ? 1000 : 0) + fraction;
  return utc - sign * (offH * 60 + offM) * 60_000;
}
