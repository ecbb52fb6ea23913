import { describe, expect, it } from 'vitest';
import { bucketsOf } from '../../../src/sim/insights/query.js';
import { formatDate, formatMetaTime, localEpochDay, parseDate } from '../../../src/sim/time/local-date.js';
import { presetRange } from '../../../src/sim/time/presets.js';

const d = (s: string) => parseDate(s) as number;
const range = (preset: string, today: string, earliest?: string) => {
  const r = presetRange(preset, d(today), earliest === undefined ? undefined : d(earliest));
  return r ? `${formatDate(r.since)}..${formatDate(r.until)}` : undefined;
};

describe('date presets', () => {
  it('counts last_Nd as the N complete days ending yesterday', () => {
    expect(range('last_7d', '2026-11-20')).toBe('2026-11-13..2026-11-19');
    expect(range('last_30d', '2026-03-01')).toBe('2026-01-30..2026-02-28');
    expect(range('last_90d', '2026-11-20')).toBe('2026-08-22..2026-11-19');
  });

  it('gives calendar periods as Meta defines them', () => {
    expect(range('today', '2026-11-20')).toBe('2026-11-20..2026-11-20');
    expect(range('this_month', '2026-11-20')).toBe('2026-11-01..2026-11-20');
    expect(range('last_month', '2026-01-10')).toBe('2025-12-01..2025-12-31');
    expect(range('this_quarter', '2026-11-20')).toBe('2026-10-01..2026-11-20');
    expect(range('last_quarter', '2026-02-10')).toBe('2025-10-01..2025-12-31');
    expect(range('this_year', '2026-11-20')).toBe('2026-01-01..2026-11-20');
    expect(range('last_year', '2026-11-20')).toBe('2025-01-01..2025-12-31');
    // 2026-11-20 is a Friday
    expect(range('this_week_mon_today', '2026-11-20')).toBe('2026-11-16..2026-11-20');
    expect(range('this_week_sun_today', '2026-11-20')).toBe('2026-11-15..2026-11-20');
    expect(range('last_week_mon_sun', '2026-11-20')).toBe('2026-11-09..2026-11-15');
    expect(range('last_week_sun_sat', '2026-11-20')).toBe('2026-11-08..2026-11-14');
  });

  it('takes maximum from the first day with data to today', () => {
    expect(range('maximum', '2026-11-20', '2026-11-13')).toBe('2026-11-13..2026-11-20');
    expect(range('maximum', '2026-11-20')).toBe('2026-11-20..2026-11-20');
  });

  it('splits windows into time_increment buckets, the last one short', () => {
    const b = bucketsOf({ since: d('2026-11-01'), until: d('2026-11-10') }, 4).map(
      (r) => `${formatDate(r.since)}..${formatDate(r.until)}`,
    );
    expect(b).toEqual(['2026-11-01..2026-11-04', '2026-11-05..2026-11-08', '2026-11-09..2026-11-10']);
    const m = bucketsOf({ since: d('2026-10-15'), until: d('2026-12-02') }, 'monthly').map((r) =>
      formatDate(r.since),
    );
    expect(m).toEqual(['2026-10-15', '2026-11-01', '2026-12-01']);
  });
});

describe('local dates', () => {
  it('takes "today" in the account time zone, not UTC', () => {
    const late = Date.parse('2026-11-21T03:00:00Z');
    expect(formatDate(localEpochDay(late, 'America/New_York'))).toBe('2026-11-20');
    expect(formatDate(localEpochDay(late, 'Asia/Tokyo'))).toBe('2026-11-21');
  });

  it("writes times as Meta does, with the account's offset", () => {
    expect(formatMetaTime(Date.parse('2026-11-20T15:00:00Z'), 'America/New_York')).toBe(
      '2026-11-20T10:00:00-0500',
    );
    expect(formatMetaTime(Date.parse('2026-07-01T15:00:00Z'), 'America/New_York')).toBe(
      '2026-07-01T11:00:00-0400',
    );
  });
});
