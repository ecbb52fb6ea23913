/**
 * Text helpers for command output: aligned tables and label blocks, one style for money, date ranges
 * and times, and the rendering that keeps text from Meta or operators from driving the terminal.
 */
import { formatMoney } from '../domain/money.js';

/**
 * Control characters (C0 but newline and tab, DEL, C1) and bidirectional overrides, which a terminal
 * would obey: `\x1b[2K\r` erases the line it is printed on, U+202E reverses what follows.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeControl(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A whole block of output with its control characters shown as visible escapes; lines stay lines. */
export function visible(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** One value from outside (a Meta object name, an operator's reason): escaped, line breaks included. */
export function shown(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : value.replace(CONTROL_OR_BREAK, escapeControl);
}

/** An entity as operators find it in Ads Manager: by name, then id. */
export function entity(level: string, name: string | null | undefined, id: string): string {
  return `${level} ${name ? `"${shown(name)}" ` : ''}(${id})`;
}

/** Budgets, totals and targets: always to the currency's minor unit ("$2,843.19", "¥2,000"). */
export function money(minor: number | null | undefined, currency: string): string {
  return minor === null || minor === undefined ? 'n/a' : formatMoney(minor, currency);
}

/** One date-range style everywhere, as evidence sentences write it: "2026-11-13–2026-11-19" (both days included). */
export function dateRange(since: string, until: string): string {
  return `${since}–${until}`;
}

/** "2026-11-20 07:00 America/Los_Angeles": a moment in the account's time zone, named. */
export function localTime(
  iso: string | Date | null | undefined,
  timeZone: string | null | undefined,
): string {
  if (iso === null || iso === undefined) return 'never';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const zone = timeZone || 'UTC';
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = timeFormatter(zone).formatToParts(d);
  } catch {
    return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')} ${zone}`;
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();
function timeFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    timeFormatters.set(timeZone, f);
  }
  return f;
}

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A readable block of labelled lines, labels aligned: "Execution:  enabled". Undefined rows are left out. */
export function block(rows: Array<[string, string] | undefined | false>): string {
  const kept = rows.filter((r): r is [string, string] => Array.isArray(r));
  const width = Math.max(...kept.map(([label]) => label.length + 1));
  return kept.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`).join('\n');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
