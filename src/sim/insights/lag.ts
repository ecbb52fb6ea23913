/**
 * Late conversions: a day's purchases are reported as they would have been seen at the simulator's
 * clock. The scenario's `daily` figures are the matured truth; a recent day shows only the part of its
 * purchases (and, in proportion, their value) that its age allows under the account's lag profile
 * (src/domain/conversion-lag.ts). Moving the clock (POST /__sim/clock) therefore changes recent days.
 * Spend, impressions and clicks are not lagged: Meta reports delivery within minutes.
 */
import { hoursIntoLocalDay, maturityHours, reportedFraction } from '../../domain/conversion-lag.js';
import type { Account } from '../model/types.js';
import { localEpochDay } from '../time/local-date.js';

/**
 * Reported fraction per stored day of the account's delivery (index = day − firstDay), or undefined when
 * every stored day is mature (the common case for old data: nothing to correct).
 */
export function lagFractions(account: Account, nowMs: number): Float64Array | undefined {
  const d = account.delivery;
  if (d.days === 0) return undefined;
  const profile = account.conversionLag;
  const today = localEpochDay(nowMs, account.timezone);
  const into = hoursIntoLocalDay(nowMs, account.timezone);
  const mature = maturityHours(profile);
  const lastDay = d.firstDay + d.days - 1;
  if (into + 24 * (today - lastDay - 1) >= mature && reportedFraction(profile, mature) >= 1) return undefined;
  const out = new Float64Array(d.days).fill(1);
  for (let i = d.days - 1; i >= 0; i--) {
    const age = into + 24 * (today - (d.firstDay + i) - 1);
    const f = reportedFraction(profile, age);
    if (f >= 1) break;
    out[i] = f;
  }
  return out;
}
