import type { AgentConfig } from './agent-config.js';
import { checkAction, guardrailEnvironment } from './guardrails.js';
import { type AppliedAction, HOUR_MS } from './history.js';
import { compareRecommendations } from './ordering.js';
import type { BlockedAction, GuardrailEvent, GuardrailId, Plan, PlanAction } from './plan.js';
import type { ActionSpec, Recommendation } from './recommendation.js';
import type { Snapshot } from './snapshot.js';

export interface PlanInput {
  snapshot: Snapshot;
  recommendations: readonly Recommendation[];
  config: AgentConfig;
  /** Writes already made (applied actions and rollbacks), newest 72 h at least. */
  history?: readonly AppliedAction[];
  /** The plan's "now"; defaults to the snapshot's takenAt. */
  now?: string;
}

interface Candidate {
  rec: Recommendation;
  action: ActionSpec;
  trims: GuardrailEvent[];
}

/**
 * A budget decrease of at most the waiver percent may skip approval; everything else (every pause, every
 * increase) needs an operator's APPROVE. With no waiver configured, every write needs approval.
 */
export function requiresApproval(action: ActionSpec, config: AgentConfig): boolean {
  const waiver = config.guardrails.approvalWaiverMaxDecreasePct;
  if (waiver === null || action.type !== 'update_daily_budget' || action.to >= action.from) return true;
  return ((action.from - action.to) / action.from) * 100 > waiver + 1e-9;
}

/**
 * Recommendations → a plan. Each recommended action goes through the per-action guardrails (the same
 * ones the executor re-runs at write time), then the plan-level ones, in this order:
 * 1. per action: protected, drift, not delivering, cooldown, scale hold, Meta's 4/hour, max change,
 *    floor, ceiling (the budget ones may trim instead of block);
 * 2. one action per entity — a pause wins over a budget change;
 * 3. nothing under a parent being paused — the pause already stops it, and a second write would be
 *    undone by, or confuse the rollback of, the first;
 * 4. at most maxActionsPerPlan, keeping the highest-priority (severity, rule, level, id).
 * Surviving actions get keys A1, A2, … in that priority order. Every block and trim is reported.
 */
export function buildPlan(input: PlanInput): Plan {
  const { snapshot, config } = input;
  const now = input.now ?? snapshot.takenAt;
  const nowMs = Date.parse(now);
  if (!Number.isFinite(nowMs)) throw new RangeError(`Not an instant: ${now}`);
  const env = guardrailEnvironment(snapshot, input.history ?? [], config, nowMs);

  const guardrailEvents: GuardrailEvent[] = [];
  const blocked: BlockedAction[] = [];
  const refuse = (c: Candidate, guardrail: GuardrailId, detail: string) => {
    const event: GuardrailEvent = {
      guardrail,
      outcome: 'blocked',
      entityId: c.action.entityId,
      recommendationId: c.rec.id,
      action: c.action,
      trimmedTo: null,
      detail,
    };
    guardrailEvents.push(event);
    blocked.push({
      recommendationId: c.rec.id,
      rule: c.rec.rule,
      action: c.action,
      events: [...c.trims, event],
    });
  };

  let candidates: Candidate[] = [];
  for (const rec of [...input.recommendations].sort(compareRecommendations)) {
    if (!rec.action) continue;
    const verdict = checkAction(rec.action, env, rec.id);
    guardrailEvents.push(...verdict.events);
    if (verdict.action) candidates.push({ rec, action: verdict.action, trims: verdict.events });
    else
      blocked.push({ recommendationId: rec.id, rule: rec.rule, action: rec.action, events: verdict.events });
  }

  const isPause = (a: ActionSpec) => a.type === 'set_status' && a.to === 'PAUSED';
  const chosen = new Map<string, Candidate>();
  for (const c of candidates) {
    const current = chosen.get(c.action.entityId);
    if (!current || (isPause(c.action) && !isPause(current.action))) chosen.set(c.action.entityId, c);
  }
  candidates = candidates.filter((c) => {
    const winner = chosen.get(c.action.entityId)!;
    if (winner === c) return true;
    refuse(
      c,
      'one_action_per_entity',
      `${winner.rec.rule} already acts on ${c.action.level} ${c.action.entityId}`,
    );
    return false;
  });

  const paused = new Set(candidates.filter((c) => isPause(c.action)).map((c) => c.action.entityId));
  candidates = candidates.filter((c) => {
    const entity = env.entities.get(c.action.entityId);
    const parent = entity ? env.entities.ancestorsOf(entity).find((a) => paused.has(a.id)) : undefined;
    if (!parent) return true;
    refuse(c, 'parent_paused', `${parent.level} ${parent.id} ("${parent.name}") is paused by this plan`);
    return false;
  });

  const cap = config.guardrails.maxActionsPerPlan;
  for (const c of candidates.slice(cap))
    refuse(c, 'max_actions_per_plan', `plan is capped at ${cap} actions`);
  candidates = candidates.slice(0, cap);

  const actions: PlanAction[] = candidates.map((c, i) => ({
    ...c.action,
    key: `A${i + 1}`,
    entityName: c.rec.entityName,
    requiresApproval: requiresApproval(c.action, config),
    status: 'proposed',
    recommendationId: c.rec.id,
    rule: c.rec.rule,
    severity: c.rec.severity,
    evidence: c.rec.evidence,
    proposed: c.rec.action!,
    trims: c.trims,
  }));

  return {
    createdAt: new Date(nowMs).toISOString(),
    expiresAt: new Date(nowMs + config.planTtlHours * HOUR_MS).toISOString(),
    actions,
    blocked,
    guardrailEvents,
  };
}
