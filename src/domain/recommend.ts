import type { AgentConfig } from './agent-config.js';
import type { AppliedAction } from './history.js';
import { compareRecommendations } from './ordering.js';
import { type Recommendation, RULE_ORDER, type RuleId, SEVERITY_ORDER } from './recommendation.js';
import type { PausedByUs } from './revive.js';
import { buildRuleContext } from './rules/build-context.js';
import type { RuleContext } from './rules/context.js';
import { highCpa } from './rules/high-cpa.js';
import { highFrequency } from './rules/high-frequency.js';
import { lowCtr } from './rules/low-ctr.js';
import { lowRoas } from './rules/low-roas.js';
import { revive } from './rules/revive.js';
import { scaleWinner } from './rules/scale-winner.js';
import { spendSpike } from './rules/spend-spike.js';
import { trackingBroken } from './rules/tracking-broken.js';
import { zeroConversions } from './rules/zero-conversions.js';
import { applyShadow, type MeasuredPrecision, type ShadowStatus, shadowStatuses } from './shadow.js';
import type { EntityMeta, Snapshot } from './snapshot.js';

/*
 * Design decisions (the why behind the shape of the output):
 *
 * Levels and duplicates. A problem usually shows at several levels at once (a bad ad drags its ad set
 * and campaign). Each rule is evaluated only where its remedy or its meaning lives (see rulesFor):
 * budget rules at the entity that holds the budget, creative and audience alerts at the ad and ad set,
 * pause rules at every level. Pauses at several levels of one branch are all reported (each is true on
 * its own evidence) and the planner keeps only the outermost one. Parents are judged on their delivering
 * part: figures of paused children are subtracted, so a bad ad that was already paused does not get its
 * ad set paused too. On one entity, at most one action survives (foldPerEntity).
 *
 * Severity. high: money is being lost now and a pause is warranted (high_cpa ≥ 1.5 × target,
 * zero_conversions), the data itself is suspect (tracking_broken), or a spike bought at above target.
 * medium: a budget correction or opportunity (high_cpa < 1.5 × target, low_roas, scale_winner), fatigue
 * (high_frequency), a spike that still converted. low: creative hygiene (low_ctr) and a winner that must
 * wait (scale_winner held by learning or cooldown).
 *
 * Ids and order. `rec_<rule>_<entity id>`: the same finding keeps its id from run to run, so decisions
 * and reports can refer to it; (rule, entity) is unique. Order: severity, rule (RULE_ORDER), level
 * (account, campaign, ad set, ad), entity id — total, so the output never depends on input order.
 *
 * History. Past writes (applied actions and rollbacks) feed the 72 h scale cooldown here; the planner's
 * guardrails use the same history for the per-entity cooldown and Meta's 4 budget changes per hour.
 *
 * Verdicts that survive late data. Conversion verdicts allow for purchases still to arrive (maturity.ts:
 * the account's lag profile bounds what is missing); a pause or cut that would not survive them is held
 * (low, no action, says so), and every conversion verdict shows its maturity. spend_spike tells Meta's
 * own allowance (1.75 × a day, 7 × a calendar week) from spend beyond it. revive proposes re-activating
 * what MetaBuyer paused (pausedByUs, from the action log) once its figures meet the target. A rule in
 * shadow (shadow.ts) recommends with its would-be action in evidence and plans nothing; the backtest
 * measures each rule's precision against what followed (precision.ts).
 */

export interface RecommendInput {
  snapshot: Snapshot;
  config: AgentConfig;
  /** Writes already made (applied actions and rollbacks), for the scale cooldown. */
  history?: readonly AppliedAction[];
  /**
   * Entities MetaBuyer paused, and when (revive.ts: pausedByUs over the action log). Revive proposes
   * re-activating those whose figures now meet the target.
   */
  pausedByUs?: readonly PausedByUs[];
  /** Backtest precision measured per rule on this account, for rules that require a minimum. */
  precision?: Partial<Record<RuleId, MeasuredPrecision>>;
  /**
   * The rules in shadow as a run already decided them (shadowStatuses): when given, used as they are
   * instead of judging `precision` again, so a plan built on a run keeps exactly the run's verdicts.
   */
  shadow?: readonly ShadowStatus[];
  /** The engine's "now"; defaults to the snapshot's takenAt. */
  now?: string;
}

type EntityRule = (ctx: RuleContext, entity: EntityMeta) => Recommendation | null;

/**
 * Which rules look at which entities — the main defence against duplicate and conflicting findings:
 * - pause rules (high_cpa, zero_conversions) at every level: each level's evidence stands on its own,
 *   and the planner keeps only the outermost pause of a branch ("nothing under a parent being paused");
 * - budget rules (low_roas, scale_winner, spend_spike) only at budget units, where the budget lives;
 * - low_ctr at ads (a creative property), high_frequency at ad sets (an audience property);
 * - tracking_broken once, for the account.
 */
const BUDGET_RULES: EntityRule[] = [lowRoas, scaleWinner, spendSpike];
const CAMPAIGN_RULES: EntityRule[] = [highCpa, zeroConversions];
const ADSET_RULES: EntityRule[] = [highCpa, zeroConversions, highFrequency];
const AD_RULES: EntityRule[] = [highCpa, zeroConversions, lowCtr];
const CBO_CAMPAIGN_RULES = [...CAMPAIGN_RULES, ...BUDGET_RULES];
const ABO_ADSET_RULES = [...ADSET_RULES, ...BUDGET_RULES];

function rulesFor(ctx: RuleContext, entity: EntityMeta): readonly EntityRule[] {
  const budgetUnit = ctx.entities.isBudgetUnit(entity);
  switch (entity.level) {
    case 'campaign':
      return budgetUnit ? CBO_CAMPAIGN_RULES : CAMPAIGN_RULES;
    case 'adset':
      return budgetUnit ? ABO_ADSET_RULES : ADSET_RULES;
    case 'ad':
      return AD_RULES;
  }
}

/** Rules whose verdict rests on purchase data, and so cannot act while tracking is broken. */
const CONVERSION_RULES: ReadonlySet<RuleId> = new Set([
  'high_cpa',
  'zero_conversions',
  'low_roas',
  'scale_winner',
  'revive',
]);

function actionStrength(rec: Recommendation): number {
  const a = rec.action!;
  if (a.type === 'set_status') return 0;
  return a.to < a.from ? 1 : 2;
}

/**
 * One action per entity, decided here rather than left to the planner, so the report never shows two
 * actions for one object: a pause beats a budget cut beats a raise, then severity, then rule order. The
 * losers' rule ids are kept in the winner's evidence (`alsoTriggered`) rather than listed twice.
 */
function foldPerEntity(recs: Recommendation[]): Recommendation[] {
  const winners = new Map<string, Recommendation>();
  const folded = new Map<string, RuleId[]>();
  for (const rec of recs) {
    if (!rec.action) continue;
    const current = winners.get(rec.entityId);
    if (!current) {
      winners.set(rec.entityId, rec);
      continue;
    }
    const better =
      actionStrength(rec) - actionStrength(current) ||
      SEVERITY_ORDER[rec.severity] - SEVERITY_ORDER[current.severity] ||
      RULE_ORDER[rec.rule] - RULE_ORDER[current.rule];
    const loser = better < 0 ? current : rec;
    if (better < 0) winners.set(rec.entityId, rec);
    folded.set(rec.entityId, [...(folded.get(rec.entityId) ?? []), loser.rule]);
  }
  return recs
    .filter((rec) => !rec.action || winners.get(rec.entityId) === rec)
    .map((rec) => {
      const also = rec.action ? folded.get(rec.entityId) : undefined;
      if (!also) return rec;
      const alsoTriggered = [...also].sort((a, b) => RULE_ORDER[a] - RULE_ORDER[b]);
      return { ...rec, evidence: { ...rec.evidence, alsoTriggered } };
    });
}

function withholdConversionActions(recs: Recommendation[]): Recommendation[] {
  return recs.map((rec) =>
    rec.action && CONVERSION_RULES.has(rec.rule)
      ? {
          ...rec,
          action: null,
          evidence: {
            ...rec.evidence,
            suppressedBy: 'tracking_broken' as const,
            sentence: `${rec.evidence.sentence}; action withheld while purchase tracking looks broken`,
          },
        }
      : rec,
  );
}

/**
 * Snapshot → recommendations, each with its evidence and at most one proposed action. Pure and
 * deterministic: the same input gives the same list in the same order, whatever the order of entities
 * and rows. Entities that are not delivering (paused themselves or under a paused parent) get nothing.
 */
export function recommend(input: RecommendInput): Recommendation[] {
  const nowMs = Date.parse(input.now ?? input.snapshot.takenAt);
  if (!Number.isFinite(nowMs)) throw new RangeError(`Not an instant: ${input.now ?? input.snapshot.takenAt}`);
  const ctx = buildRuleContext(input.snapshot, input.config, input.history ?? [], nowMs);

  const found: Recommendation[] = [];
  for (const entity of ctx.entities.all()) {
    if (!ctx.entities.isDelivering(entity)) continue;
    for (const rule of rulesFor(ctx, entity)) {
      const rec = rule(ctx, entity);
      if (rec) found.push(rec);
    }
  }
  const reconsidered = new Set<string>();
  for (const paused of input.pausedByUs ?? []) {
    if (reconsidered.has(paused.entityId)) continue;
    reconsidered.add(paused.entityId);
    const entity = ctx.entities.get(paused.entityId);
    const rec = entity ? revive(ctx, entity, paused) : null;
    if (rec) found.push(rec);
  }
  const tracking = trackingBroken(ctx);
  if (tracking) found.push(tracking);

  // Sorting first makes the fold's tie-breaks (and everything after) independent of input order.
  found.sort(compareRecommendations);
  // Shadow before the fold: a rule in shadow proposes nothing, so it must not out-rank a live rule's
  // action on the same entity.
  const shadow =
    input.shadow ?? shadowStatuses(input.config, input.precision, input.now ?? input.snapshot.takenAt);
  let recs = foldPerEntity(applyShadow(found, shadow));
  if (tracking) recs = withholdConversionActions(recs);
  return recs;
}
