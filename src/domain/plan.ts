import type { ActionSpec, Evidence, RuleId, Severity } from './recommendation.js';

/** Every guardrail, by the id its reports carry. */
export const GUARDRAIL_IDS = [
  'protected_entity',
  'live_state_drift',
  'not_delivering',
  'entity_cooldown',
  'scale_hold',
  'budget_rate_limit',
  'max_budget_change',
  'budget_floor',
  'budget_ceiling',
  'one_action_per_entity',
  'parent_paused',
  'max_actions_per_plan',
] as const;
export type GuardrailId = (typeof GUARDRAIL_IDS)[number];

/** A guardrail that changed the fate of an action: it refused it, or trimmed its new value. */
export interface GuardrailEvent {
  guardrail: GuardrailId;
  outcome: 'blocked' | 'trimmed';
  entityId: string;
  recommendationId: string | null;
  /** The action as it stood when this guardrail looked at it. */
  action: ActionSpec;
  /** For a trim: the new `to`. */
  trimmedTo: number | null;
  detail: string;
}

/** Every planned action is `proposed` until an operator decides; later states live in the action log. */
export type PlanActionStatus = 'proposed';

export type PlanAction = ActionSpec & {
  /** A1, A2, …: what operators type in Slack and the CLI. */
  key: string;
  entityName: string;
  requiresApproval: boolean;
  status: PlanActionStatus;
  recommendationId: string;
  rule: RuleId;
  severity: Severity;
  evidence: Evidence;
  /** The recommendation's action before any trim. */
  proposed: ActionSpec;
  /** The trims applied to reach `to` (empty when the action is as recommended). */
  trims: GuardrailEvent[];
};

export interface BlockedAction {
  recommendationId: string;
  rule: RuleId;
  action: ActionSpec;
  /** The guardrail that refused it (the last event) and any trims before it. */
  events: GuardrailEvent[];
}

export interface Plan {
  /** ISO; the plan's "now". */
  createdAt: string;
  /** ISO; after this an unexecuted plan is stale (planTtlHours). */
  expiresAt: string;
  actions: PlanAction[];
  blocked: BlockedAction[];
  /** Every trim and block, in the order the guardrails ran. */
  guardrailEvents: GuardrailEvent[];
}
