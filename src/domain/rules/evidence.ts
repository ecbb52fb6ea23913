import { type CpaBounds, formatConfidence, poissonBounds } from '../evidence.js';
import type { Maturity } from '../maturity.js';
import { deriveMetrics } from '../metrics.js';
import { formatMoney } from '../money.js';
import type { CpaBoundsEvidence, Evidence, EvidenceMetrics, MaturityEvidence } from '../recommendation.js';
import type { DeliverySums } from '../snapshot.js';
import type { RuleContext } from './context.js';

/** Rounds for display in evidence; decisions are always taken on the unrounded figures. */
export function roundTo(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

const roundOrNull = (value: number | null, places: number) =>
  value === null ? null : roundTo(value, places);

export function evidenceMetrics(sums: DeliverySums): EvidenceMetrics {
  const m = deriveMetrics(sums);
  return {
    spend: m.spend,
    impressions: m.impressions,
    reach: m.reach,
    clicks: m.clicks,
    linkClicks: m.linkClicks,
    purchases: m.purchases,
    purchaseValue: m.purchaseValue,
    cpa: roundOrNull(m.cpa, 0),
    roas: roundOrNull(m.roas, 4),
    ctrPct: m.ctr === null ? null : roundTo(m.ctr * 100, 4),
    cpm: roundOrNull(m.cpm, 0),
    cpc: roundOrNull(m.cpc, 0),
    frequency: roundOrNull(m.frequency, 4),
  };
}

export function boundsEvidence(bounds: CpaBounds): CpaBoundsEvidence {
  const lambda = poissonBounds(bounds.purchases, bounds.confidence);
  return {
    confidence: bounds.confidence,
    cpaLow: Math.round(bounds.cpaLow),
    cpaHigh: bounds.cpaHigh === null ? null : Math.round(bounds.cpaHigh),
    purchasesLow: roundTo(lambda.lower, 4),
    purchasesHigh: roundTo(lambda.upper, 4),
  };
}

/** Evidence with every optional part empty; rules fill in what they looked at. */
export function baseEvidence(
  ctx: RuleContext,
  sums: DeliverySums,
  parts: Partial<Evidence> & Pick<Evidence, 'sentence'>,
): Evidence {
  return {
    currency: ctx.currency,
    window: { since: ctx.snapshot.window.since, until: ctx.snapshot.window.until },
    metrics: evidenceMetrics(sums),
    targetCpa: ctx.config.targetCpaMinor,
    targetRoas: ctx.config.targetRoas,
    bounds: null,
    thresholds: {},
    excluded: null,
    spike: null,
    allowance: null,
    tracking: null,
    hold: null,
    maturity: null,
    alsoTriggered: [],
    suppressedBy: null,
    ...parts,
  };
}

/** Money in sentences is whole major units: "$515", "¥2,000". */
export function money(ctx: RuleContext, minor: number): string {
  return formatMoney(minor, ctx.currency, { wholeUnits: true });
}

/**
 * 45221 → "45,221", as en-US prints it. Written out because it runs for every alert of a 100 000-ad
 * account, and a hand loop is several times cheaper than Intl for a plain integer.
 */
export function count(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 && out !== '0' ? `-${out}` : out;
}

export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * "CPA $360 (90 %: $196–$785) on 6 purchases vs target $120"; with no purchases,
 * "No purchases on $410 spend (90 %: CPA at least $178) vs target $120".
 */
export function cpaSentence(ctx: RuleContext, bounds: CpaBounds, targetCpa: number): string {
  const level = formatConfidence(bounds.confidence);
  const target = `vs target ${money(ctx, targetCpa)}`;
  if (bounds.cpa === null) {
    return `No purchases on ${money(ctx, bounds.spend)} spend (${level}: CPA at least ${money(ctx, bounds.cpaLow)}) ${target}`;
  }
  const high = bounds.cpaHigh === null ? '∞' : money(ctx, bounds.cpaHigh);
  return `CPA ${money(ctx, bounds.cpa)} (${level}: ${money(ctx, bounds.cpaLow)}–${high}) on ${plural(bounds.purchases, 'purchase')} ${target}`;
}

/** "; excludes $410 from 1 paused child", when a parent's paused children were left out. */
export function excludedSuffix(ctx: RuleContext, excluded: Evidence['excluded']): string {
  if (!excluded) return '';
  const who = excluded.entities === 1 ? '1 paused child' : `${excluded.entities} paused children`;
  return `; excludes ${money(ctx, excluded.spend)} spent by ${who}`;
}

export const formatRoas = (roas: number) => roas.toFixed(2);

const pct = (m: number) => roundTo(m * 100, 1);

export function maturityEvidence(m: Maturity, held: boolean): MaturityEvidence {
  return {
    purchasesPct: pct(m.purchases),
    valuePct: pct(m.value),
    basis: m.basis,
    immatureDays: m.immatureDays.map((d) => ({ date: d.date, reportedPct: pct(d.reported) })),
    held,
  };
}
