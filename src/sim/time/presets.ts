/**
 * Meta's insights `date_preset` values as local-date ranges (inclusive epoch days), relative to the
 * account's "today". last_Nd are the N complete days ending yesterday; today is the partial day.
 */
import { dateParts, epochDayOf } from './local-date.js';

export interface DayRange {
  since: number;
  until: number;
}

function monthStart(year: number, month: number): number {
  return epochDayOf(year, month, 1);
}

/** @param earliestData first day with delivery in the account, for `maximum`; undefined when none. */
export function presetRange(
  preset: string,
  today: number,
  earliestData: number | undefined,
): DayRange | undefined {
  const last = /^last_(\d+)d$/.exec(preset);
  if (last) {
    const n = Number(last[1]);
    return { since: today - n, until: today - 1 };
  }
  const { year, month, weekday } = dateParts(today);
  const quarterStartMonth = Math.floor((month - 1) / 3) * 3 + 1;
  switch (preset) {
    case 'today':
      return { since: today, until: today };
    case 'yesterday':
      return { since: today - 1, until: today - 1 };
    case 'this_month':
      return { since: monthStart(year, month), until: today };
    case 'last_month': {
      const start = month === 1 ? monthStart(year - 1, 12) : monthStart(year, month - 1);
      return { since: start, until: monthStart(year, month) - 1 };
    }
    case 'this_quarter':
      return { since: monthStart(year, quarterStartMonth), until: today };
    case 'last_quarter': {
      const thisQ = monthStart(year, quarterStartMonth);
      const prevStart =
        quarterStartMonth === 1 ? monthStart(year - 1, 10) : monthStart(year, quarterStartMonth - 3);
      return { since: prevStart, until: thisQ - 1 };
    }
    case 'this_year':
      return { since: epochDayOf(year, 1, 1), until: today };
    case 'last_year':
      return { since: epochDayOf(year - 1, 1, 1), until: epochDayOf(year, 1, 1) - 1 };
    case 'this_week_mon_today':
      return { since: today - ((weekday + 6) % 7), until: today };
    case 'this_week_sun_today':
      return { since: today - weekday, until: today };
    case 'last_week_mon_sun': {
      const monday = today - ((weekday + 6) % 7);
      return { since: monday - 7, until: monday - 1 };
    }
    case 'last_week_sun_sat': {
      const sunday = today - weekday;
      return { since: sunday - 7, until: sunday - 1 };
    }
    case 'maximum':
    case 'data_maximum': {
      // Meta reaches back at most 37 months.
      const floor = epochDayOf(year - 3, month, 1) - 31;
      const since = earliestData === undefined ? today : Math.max(earliestData, floor);
      return { since: Math.min(since, today), until: today };
    }
    default:
      return undefined;
  }
}
