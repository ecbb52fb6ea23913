/**
 * Local calendar dates in an ad account's time zone. Delivery rows, presets and time ranges are all
 * local dates; inside the simulator a date is an "epoch day" (days since 1970-01-01 of that calendar
 * date), which makes ranges plain integer intervals.
 */
import { isValidCalendarDate } from './rfc3339.js';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** The local calendar date of an instant, as an epoch day. */
export function localEpochDay(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / DAY_MS);
}

/** Offset of the zone from UTC at that instant, in minutes (New York in winter: -300). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** "YYYY-MM-DD" → epoch day, or undefined when not a real calendar date. */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!isValidCalendarDate(y, mo, d)) return undefined;
  return Math.floor(Date.UTC(y, mo - 1, d) / DAY_MS);
}

export function formatDate(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

export function dateParts(epochDay: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(epochDay * DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

export function epochDayOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/**
 * Meta's timestamp format for created_time and friends: local time in the account's zone with a
 * numeric offset and no colon, e.g. "2026-10-01T09:00:00-0400".
 */
export function formatMetaTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const off = utcOffsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/**
 * How Meta words an expiry in its 190/463 message: "Tuesday, 19-Nov-24 09:00:00 PST" (Pacific time,
 * where Meta's servers report).
 */
export function formatMetaExpiry(ms: number): string {
  const tz = 'America/Los_Angeles';
  const d = new Date(ms);
  const weekday = d.toLocaleString('en-US', { timeZone: tz, weekday: 'long' });
  const month = d.toLocaleString('en-US', { timeZone: tz, month: 'short' });
  const p = localParts(ms, tz);
  const zone = utcOffsetMinutes(ms, tz) === -420 ? 'PDT' : 'PST';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${weekday}, ${pad(p.day)}-${month}-${pad(p.year % 100)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${zone}`;
}
