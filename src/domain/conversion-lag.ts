import { localDate } from './dates.js';

/**
 * Conversion lag: purchases attributed to a day keep arriving after it ends (pixel and CAPI events are
 * processed late, app postbacks come up to 72 h late). A lag profile says which fraction of a day's
 * eventual purchases (and their value) is reported by a given age, counted in hours from the end of the
 * day (the account's local midnight). Between points the fraction is linear; before the first point it is
 * the first point's fraction; after the last it is the last's, which is 1 (every purchase arrives).
 *
 * The same profile drives the simulator (what it reports for a day at its clock) and the engine (how
 * much of a window's purchases may still be missing).
 */
export interface LagPoint {
  /** Hours after the end of the day. */
  hours: number;
  /** Fraction (0, 1] of the day's eventual purchases reported by then. */
  reported: number;
}
export type LagProfile = readonly LagPoint[];

/** About 90 % at the next midnight, most of the rest within a day, all of it by 72 h. */
export const DEFAULT_LAG_PROFILE: LagProfile = [
  { hours: 0, reported: 0.9 },
  { hours: 24, reported: 0.97 },
  { hours: 48, reported: 0.99 },
  { hours: 72, reported: 1 },
];

/** No lag at all: every purchase is reported with its day. */
export const NO_LAG: LagProfile = [{ hours: 0, reported: 1 }];

/** A problem with a profile, or null: hours strictly increasing from ≥ 0, fractions rising to exactly 1. */
export function lagProfileProblem(profile: LagProfile): string | null {
  if (profile.length === 0) return 'a lag profile needs at least one point';
  for (let i = 0; i < profile.length; i++) {
    const p = profile[i]!;
    if (!(p.hours >= 0)) return `hours must be ≥ 0 (point ${i + 1})`;
    if (!(p.reported > 0 && p.reported <= 1)) return `reported must be in (0, 1] (point ${i + 1})`;
    if (i > 0 && p.hours <= profile[i - 1]!.hours) return `hours must increase (point ${i + 1})`;
    if (i > 0 && p.reported < profile[i - 1]!.reported) return `reported must not decrease (point ${i + 1})`;
  }
  if (profile[profile.length - 1]!.reported !== 1)
    return 'the last point must report 1 (every purchase arrives)';
  return null;
}

/** Fraction of a day's purchases reported at an age (hours after the day ended; negative = still running). */
export function reportedFraction(profile: LagProfile, ageHours: number): number {
  const first = profile[0]!;
  if (ageHours <= first.hours) return first.reported;
  for (let i = 1; i < profile.length; i++) {
    const b = profile[i]!;
    if (ageHours <= b.hours) {
      const a = profile[i - 1]!;
      return a.reported + ((b.reported - a.reported) * (ageHours - a.hours)) / (b.hours - a.hours);
    }
  }
  return profile[profile.length - 1]!.reported;
}

/** Hours until a profile reaches 1: days older than this are mature. */
export function maturityHours(profile: LagProfile): number {
  for (const p of profile) if (p.reported >= 1) return p.hours;
  return profile[profile.length - 1]!.hours;
}

/**
 * Purchases reported for a day whose eventual count is `matured`: whole purchases are missing, at most
 * the fraction (1 − reported) of them, so reported ≥ fraction × matured always holds. That inequality is
 * what the engine's correction relies on (see maturity.ts); a day of 1 or 2 purchases therefore shows
 * them at once, and lag is visible on days with many.
 */
export function reportedCount(matured: number, fraction: number): number {
  if (fraction >= 1 || matured <= 0) return matured;
  // No rounding slack: reported ≥ fraction × matured must hold, up to floating point.
  return matured - Math.floor((1 - fraction) * matured);
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

/** Hours since the local midnight of an instant (9.5 at 09:30 local). */
export function hoursIntoLocalDay(ms: number, timeZone: string): number {
  let f = hourFormatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'UTC',
        hourCycle: 'h23',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    }
    hourFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') + get('minute') / 60 + get('second') / 3600;
}

/**
 * Age in hours of a local date at an instant: from the end of that day to the instant. Yesterday at
 * 10:00 local is 10 h old; the day before, 34 h. Today (and later) is negative.
 */
export function dayAgeHours(date: string, instantMs: number, timeZone: string): number {
  const today = localDate(instantMs, timeZone);
  return hoursIntoLocalDay(instantMs, timeZone) + 24 * (daysBetween(date, today) - 1);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
