import { addInto, zeroSums } from '../metrics.js';
import type { Recommendation } from '../recommendation.js';
import { recommendationId } from '../recommendation.js';
import type { RuleContext } from './context.js';
import { baseEvidence, money, plural } from './evidence.js';

/**
 * tracking_broken — the account spent ≥ 3 × target CPA over the last 2 complete days with no purchase
 * at all, after ≥ 5 purchases in the 7 days before. A whole account going from selling to not selling
 * overnight is far likelier a broken pixel or CAPI feed than a market collapse, so the conversion data
 * cannot be trusted: recommend() withholds every action taken on conversion grounds while this fires
 * (the rule clears itself once purchases are recorded again). Account level, high, alert only.
 */
export function trackingBroken(ctx: RuleContext): Recommendation | null {
  const rule = ctx.config.rules.trackingBroken;
  const targetCpa = ctx.config.targetCpaMinor;
  if (!rule.enabled || targetCpa === null) return null;
  const series = ctx.accountSeries(rule.baselineDays + rule.recentDays);
  const baselineDays = series.slice(0, rule.baselineDays);
  const recentDays = series.slice(rule.baselineDays);
  const recent = recentDays.reduce((acc, d) => addInto(acc, d), zeroSums());
  const baselinePurchases = baselineDays.reduce((n, d) => n + d.purchases, 0);
  if (recent.purchases !== 0) return null;
  if (recent.spend < rule.minSpendTargetCpaMultiple * targetCpa) return null;
  if (baselinePurchases < rule.minBaselinePurchases) return null;

  const first = recentDays[0]!.date;
  const last = recentDays[recentDays.length - 1]!.date;
  const account = ctx.snapshot.account;
  const sentence =
    `${money(ctx, recent.spend)} spent ${first}–${last} with no purchases, after ` +
    `${plural(baselinePurchases, 'purchase')} in the ${rule.baselineDays} days before: purchase tracking ` +
    'looks broken; conversion-based actions are withheld until purchases are recorded again';

  const evidence = baseEvidence(ctx, recent, {
    sentence,
    tracking: {
      recentSince: first,
      recentUntil: last,
      recentSpend: recent.spend,
      recentPurchases: recent.purchases,
      baselineSince: baselineDays[0]!.date,
      baselineUntil: baselineDays[baselineDays.length - 1]!.date,
      baselinePurchases,
    },
    thresholds: {
      minSpendTargetCpaMultiple: rule.minSpendTargetCpaMultiple,
      minBaselinePurchases: rule.minBaselinePurchases,
    },
  });
  return {
    id: recommendationId('tracking_broken', account.id),
    rule: 'tracking_broken',
    severity: 'high',
    level: 'account',
    entityId: account.id,
    entityName: account.name,
    action: null,
    evidence: { ...evidence, window: { since: first, until: last } },
  };
}
