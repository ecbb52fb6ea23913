import { formatMoney } from './money.js';
import type { Horizon, InconclusiveReason, OutcomeMetric, Verdict } from './outcome.js';

/** A follow-up as shown to people (the CLI, Slack): the verdict and the facts it rests on. */
export interface FollowupSummary {
  horizon: Horizon;
  verdict: Verdict;
  reason: InconclusiveReason | null;
  metric: OutcomeMetric;
  basis: 'did' | 'pre_post';
  subjectRole: 'entity' | 'parent' | 'account';
  change: number | null;
  interval: { low: number; high: number } | null;
  moneyMinor: number | null;
}

const HORIZON_WORDS: Record<Horizon, string> = { '24h': '24 h', '72h': '72 h', '7d': '7 days' };

export function horizonWords(h: Horizon): string {
  return HORIZON_WORDS[h];
}

/** 0.183 → "+18 %"; −0.052 → "−5 %". */
export function signedPct(x: number): string {
  const pct = Math.round(x * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)} %`;
}

const REASONS: Record<InconclusiveReason, string> = {
  not_matured: 'not matured yet (too few days with all their purchases in)',
  no_before: 'too little delivery before the write to compare with',
  no_delivery: 'no delivery after the write',
  no_peers: 'no untouched peers delivering before and after',
  interval_spans_zero: 'the interval spans no change',
  rolled_back: 'rolled back before it could be judged',
};

/**
 * "hurt at 72 h — parent CPA +18 % (interval +6 %…+31 %) vs peers, ≈ $240 lost";
 * "inconclusive at 24 h — not matured yet (…)".
 */
export function followupSentence(f: FollowupSummary, currency: string): string {
  const head = `${f.verdict} at ${horizonWords(f.horizon)}`;
  if (f.change === null || f.interval === null) return `${head} — ${REASONS[f.reason ?? 'not_matured']}`;
  const who = f.subjectRole === 'entity' ? '' : `${f.subjectRole} `;
  const metric = f.metric === 'cpa' ? 'CPA' : 'ROAS';
  const vs = f.basis === 'did' ? ' vs peers' : ' vs before';
  const range = `(interval ${signedPct(f.interval.low)}…${signedPct(f.interval.high)})`;
  const money =
    f.moneyMinor === null || f.moneyMinor === 0
      ? ''
      : `, ≈ ${formatMoney(Math.abs(f.moneyMinor), currency, { wholeUnits: true })} ${f.moneyMinor < 0 ? 'lost' : 'gained'}`;
  return `${head} — ${who}${metric} ${signedPct(f.change)} ${range}${vs}${money}`;
}

const LEVEL_WORDS: Record<string, string> = { campaign: 'campaign', adset: 'ad set', ad: 'ad' };

/** "A1 pause ad set Broad US", "A2 budget ad set Lookalike 1%": the write a follow-up is about. */
export function writeLabel(w: {
  key: string | null;
  type: string;
  level: string;
  to: string | number;
  name: string;
}): string {
  const verb =
    w.type === 'set_status'
      ? w.to === 'PAUSED'
        ? 'pause'
        : w.to === 'ACTIVE'
          ? 'resume'
          : 'status'
      : 'budget';
  return `${w.key ? `${w.key} ` : ''}${verb} ${LEVEL_WORDS[w.level] ?? w.level} ${w.name}`;
}
