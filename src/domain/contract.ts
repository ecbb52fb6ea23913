import type { GuardrailEvent, Plan, PlanAction } from './plan.js';
import type { ActionSpec, Recommendation, RecommendationLevel, RuleId, Severity } from './recommendation.js';
import type { Level, Snapshot } from './snapshot.js';
import { summarize } from './summary.js';

/**
 * The snake_case JSON shapes of the CLI contract (ARCHITECTURE.md), and pure mappers onto them from the
 * camelCase domain types. Keys listed in the contract are emitted exactly; nothing else is added at the
 * levels the contract spells out.
 */
export interface ActionJson {
  type: ActionSpec['type'];
  level: Level;
  entity_id: string;
  from: string | number;
  to: string | number;
}

export interface RecommendationJson {
  id: string;
  rule: RuleId;
  severity: Severity;
  level: RecommendationLevel;
  entity_id: string;
  entity_name: string;
  action: ActionJson | null;
  evidence: Record<string, unknown>;
}

export interface PlanActionJson extends ActionJson {
  key: string;
  requires_approval: boolean;
  status: PlanAction['status'];
}

export interface RunNowJson {
  run: {
    id: string;
    window: { since: string; until: string };
    currency: string;
    summary: { spend: number; purchases: number; cpa: number | null; roas: number | null };
  };
  recommendations: RecommendationJson[];
}

export interface PlanJson {
  plan: { id: string; actions: PlanActionJson[] };
}

export interface GuardrailEventJson {
  guardrail: GuardrailEvent['guardrail'];
  outcome: GuardrailEvent['outcome'];
  entity_id: string;
  recommendation_id: string | null;
  trimmed_to: number | null;
  detail: string;
}

const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Deep camelCase → snake_case of object keys (values untouched). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toSnake(k), snakeKeys(v)]));
  }
  return value;
}

export function toActionJson(action: ActionSpec): ActionJson {
  return {
    type: action.type,
    level: action.level,
    entity_id: action.entityId,
    from: action.from,
    to: action.to,
  };
}

export function toRecommendationJson(rec: Recommendation): RecommendationJson {
  return {
    id: rec.id,
    rule: rec.rule,
    severity: rec.severity,
    level: rec.level,
    entity_id: rec.entityId,
    entity_name: rec.entityName,
    action: rec.action ? toActionJson(rec.action) : null,
    evidence: snakeKeys(rec.evidence) as Record<string, unknown>,
  };
}

export function toPlanActionJson(action: PlanAction): PlanActionJson {
  return {
    key: action.key,
    type: action.type,
    level: action.level,
    entity_id: action.entityId,
    from: action.from,
    to: action.to,
    requires_approval: action.requiresApproval,
    status: action.status,
  };
}

/** `plan-actions --json`. The plan id is minted by the caller (ids are not the domain's business). */
export function toPlanJson(plan: Plan, planId: string): PlanJson {
  return { plan: { id: planId, actions: plan.actions.map(toPlanActionJson) } };
}

/** `run-now --json`. */
export function toRunNowJson(
  runId: string,
  snapshot: Snapshot,
  recommendations: readonly Recommendation[],
): RunNowJson {
  const s = summarize(snapshot);
  return {
    run: {
      id: runId,
      window: { since: snapshot.window.since, until: snapshot.window.until },
      currency: snapshot.account.currency,
      summary: { spend: s.spend, purchases: s.purchases, cpa: s.cpa, roas: s.roas },
    },
    recommendations: recommendations.map(toRecommendationJson),
  };
}

export function toGuardrailEventJson(event: GuardrailEvent): GuardrailEventJson {
  return {
    guardrail: event.guardrail,
    outcome: event.outcome,
    entity_id: event.entityId,
    recommendation_id: event.recommendationId,
    trimmed_to: event.trimmedTo,
    detail: event.detail,
  };
}
