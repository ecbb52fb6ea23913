/**
 * Local calendar dates (YYYY-MM-DD) in an ad account's time zone, which is how Meta reports insights and
 * how its date presets count days.
 */

export function localDate(at: Date, timeZone: string): string {
  let tz = timeZone;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
  } catch {
    tz = 'UTC';
  }
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function toUtc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** The inclusive range Meta means by a date preset, seen from local date `today`; null when not computable. */
export function presetRange(preset: string, today: string): { since: string; until: string } | null {
  const lastN = /^last_(\d+)d$/.exec(preset);
  if (lastN) {
    const n = Number(lastN[1]);
    return { since: addDays(today, -n), until: addDays(today, -1) };
  }
  const t = toUtc(today);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  const dow = t.getUTCDay(); // 0 = Sunday
  switch (preset) {
    case 'today':
      return { since: today, until: today };
    case 'yesterday':
      return { since: addDays(today, -1), until: addDays(today, -1) };
    case 'this_month':
      return { since: fromUtc(new Date(Date.UTC(y, m, 1))), until: today };
    case 'last_month':
      return { since: fromUtc(new Date(Date.UTC(y, m - 1, 1))), until: fromUtc(new Date(Date.UTC(y, m, 0))) };
    case 'this_year':
      return { since: `${y}-01-01`, until: today };
    case 'last_year':
      return { since: `${y - 1}-01-01`, until: `${y - 1}-12-31` };
    case 'this_week_mon_today':
      return { since: addDays(today, -((dow + 6) % 7)), until: today };
    case 'this_week_sun_today':
      return { since: addDays(today, -dow), until: today };
    case 'last_week_mon_sun': {
      const monday = addDays(today, -((dow + 6) % 7) - 7);
      return { since: monday, until: addDays(monday, 6) };
    }
    case 'last_week_sun_sat': {
      const sunday = addDays(today, -dow - 7);
      return { since: sunday, until: addDays(sunday, 6) };
    }
    default:
      return null;
  }
}
