/**
 * Local calendar dates (YYYY-MM-DD) in the account's time zone. Meta's days are the account's days, so
 * "yesterday" is computed there and not in UTC. Pure: the instant is always an argument.
 */
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date of an instant in a time zone; an unknown zone falls back to UTC. */
export function localDate(instant: string | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`Not an instant: ${String(instant)}`);
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = formatterFor(timeZone);
  } catch {
    formatter = formatterFor('UTC');
  }
  const parts = formatter.formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function toUtcMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Calendar arithmetic on local dates (no time zone is involved once the date is known). */
export function addDays(date: string, days: number): string {
  return new Date(toUtcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Inclusive list of dates from `since` to `until`, oldest first. */
export function dateRange(since: string, until: string): string[] {
  const out: string[] = [];
  const end = toUtcMs(until);
  for (let ms = toUtcMs(since); ms <= end; ms += DAY_MS) out.push(new Date(ms).toISOString().slice(0, 10));
  return out;
}

/** The `days` complete days ending with `lastDay`, oldest first. */
export function trailingDays(lastDay: string, days: number): string[] {
  return days <= 0 ? [] : dateRange(addDays(lastDay, -(days - 1)), lastDay);
}

/** The last complete local day at an instant: the account's yesterday. */
export function lastCompleteDay(instant: string | number, timeZone: string): string {
  return addDays(localDate(instant, timeZone), -1);
}
