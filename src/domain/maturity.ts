import { dayAgeHours, type LagProfile, maturityHours, reportedFraction } from './conversion-lag.js';
import { dateRange } from './dates.js';

/**
 * How far a window's purchases have matured, and how the engine allows for the rest.
 *
 * Design. Conversion verdicts are not judged on matured days only (that would throw away the freshest
 * two or three days, exactly when a bad ad set burns money); instead the reported purchases are
 * corrected with the account's lag profile. The profile is read as a guarantee per day: at age a, at
 * least F(a) of the day's eventual purchases are in (the simulator reports exactly that way). So the
 * day's eventual count is at most o_d / F_d, and the window's at most
 *     K = Σ_d o_d / F_d = k / m,     m = k / K  ("purchases 94 % matured").
 * Each Poisson bound on the eventual count is the reported count's bound divided by m (thinning: the
 * reported count is Poisson with mean m·λ). A pause or cut needs the CPA to be confidently above target
 * even then: S·m / λ_up(k) > target. Because K bounds the matured count, a verdict that passes this test
 * cannot turn into its opposite (a confidently good CPA) once the tail arrives: no pause flips to a
 * scale-up by lag alone (test/unit/domain/properties.test.ts proves it on random accounts).
 *
 * Where daily rows exist (campaigns and ad sets), m uses the entity's own reported purchases per
 * immature day. Ads have no daily rows in a snapshot, so the youngest window day's fraction is used: the
 * missing purchases could all belong to it, and the bound must hold whatever their spread. Purchase
 * value is corrected the same way (value arrives with its purchases).
 */
export interface Maturity {
  /** m for purchase counts, in (0, 1]. */
  purchases: number;
  /** The same for purchase value. */
  value: number;
  /** How m was derived: from the entity's daily rows, from the youngest day, or everything is mature. */
  basis: 'daily' | 'youngest_day' | 'mature';
  /** Window days not yet mature (oldest first), with the fraction of their purchases reported. */
  immatureDays: ReadonlyArray<{ date: string; reported: number }>;
}

export const MATURE: Maturity = { purchases: 1, value: 1, basis: 'mature', immatureDays: [] };

/** The window days still maturing at an instant, oldest first. */
export function immatureDays(
  profile: LagProfile,
  since: string,
  until: string,
  instantMs: number,
  timeZone: string,
): Array<{ date: string; reported: number }> {
  const mature = maturityHours(profile);
  const out: Array<{ date: string; reported: number }> = [];
  const dates = dateRange(since, until);
  for (let i = dates.length - 1; i >= 0; i--) {
    const date = dates[i]!;
    const age = dayAgeHours(date, instantMs, timeZone);
    const reported = reportedFraction(profile, age);
    if (reported >= 1 && age >= mature) break;
    if (reported < 1) out.unshift({ date, reported });
  }
  return out;
}

/** Days a snapshot's daily index must cover for the correction: the profile's span plus today. */
export function lagDays(profile: LagProfile): number {
  return Math.ceil(maturityHours(profile) / 24) + 1;
}

/**
 * Maturity of one entity's window figures.
 * @param windowPurchases / windowValue the entity's own reported window sums
 * @param perDay its reported purchases and value on each immature day (undefined: no daily rows)
 */
export function maturityOf(
  days: ReadonlyArray<{ date: string; reported: number }>,
  windowPurchases: number,
  windowValue: number,
  perDay: ((date: string) => { purchases: number; purchaseValue: number } | undefined) | null,
): Maturity {
  if (days.length === 0) return MATURE;
  const youngest = Math.min(...days.map((d) => d.reported));
  const fallback: Maturity = {
    purchases: youngest,
    value: youngest,
    basis: 'youngest_day',
    immatureDays: days,
  };
  if (!perDay || windowPurchases <= 0) return fallback;
  let reportedP = 0;
  let eventualP = 0;
  let reportedV = 0;
  let eventualV = 0;
  for (const d of days) {
    const row = perDay(d.date);
    if (!row) continue;
    reportedP += row.purchases;
    eventualP += row.purchases / d.reported;
    reportedV += row.purchaseValue;
    eventualV += row.purchaseValue / d.reported;
  }
  // Daily rows that disagree with the window (more purchases per day than in the whole window) cannot
  // be trusted for the correction: fall back to the bound that needs no daily rows.
  if (reportedP > windowPurchases + 1e-9 || reportedV > windowValue + 1e-6) return fallback;
  const m = windowPurchases / (windowPurchases - reportedP + eventualP);
  const mv = windowValue > 0 ? windowValue / (windowValue - reportedV + eventualV) : m;
  return { purchases: Math.min(1, m), value: Math.min(1, mv), basis: 'daily', immatureDays: days };
}

/** 0.9364 → "94 %". Never prints 100 % for a figure still maturing. */
export function formatMaturity(m: number): string {
  const pct = Math.floor(m * 100);
  return `${m < 1 ? Math.min(pct, 99) : 100} %`;
}
