import type { AgentConfig } from './agent-config.js';
import { type EntityIndex, indexEntities } from './hierarchy.js';
import {
  type AppliedAction,
  budgetChangesInLastHour,
  type HistoryIndex,
  HOUR_MS,
  indexHistory,
  lastWriteMs,
} from './history.js';
import { formatMoney } from './money.js';
import type { GuardrailEvent, GuardrailId } from './plan.js';
import { buildProtection, type Protection } from './protection.js';
import type { ActionSpec, BudgetAction } from './recommendation.js';
import { maxBudgetDelta } from './rules/actions.js';
import { scaleHold } from './scale-hold.js';
import type { AccountInfo, EntityMeta } from './snapshot.js';

/**
 * What the guardrails need to know about the account now: the objects involved (the target, its
 * ancestors, and for protection its descendants) and the account's minimum budget. A Snapshot is one; at
 * execution time the executor passes the objects it has just re-read.
 */
export interface LiveState {
  account: Pick<AccountInfo, 'minDailyBudget' | 'currency'>;
  entities: readonly EntityMeta[];
}

export interface GuardrailVerdict {
  outcome: 'allowed' | 'trimmed' | 'blocked';
  /** The action as it may be written (with any trim), or null when blocked. */
  action: ActionSpec | null;
  events: GuardrailEvent[];
}

/** Everything a per-action check reads, prepared once per plan (or once per execution). */
export interface GuardrailEnvironment {
  entities: EntityIndex;
  account: LiveState['account'];
  history: HistoryIndex;
  config: AgentConfig;
  protection: Protection;
  nowMs: number;
}

export function guardrailEnvironment(
  live: LiveState,
  history: readonly AppliedAction[],
  config: AgentConfig,
  nowMs: number,
): GuardrailEnvironment {
  return {
    entities: indexEntities(live.entities),
    account: live.account,
    history: indexHistory(history),
    config,
    protection: buildProtection(
      config.guardrails.protectedEntityIds,
      config.guardrails.protectedNamePatterns,
    ),
    nowMs,
  };
}

/**
 * Re-runs every per-action guardrail against fresh live state and history: the executor calls this just
 * before each write (after the plan was approved, maybe hours later). A `trimmed` verdict means the
 * approved value is no longer allowed as such; the executor should refuse rather than write a value no
 * one approved. Plan-level guardrails (one action per entity, nothing under a paused parent, actions per
 * plan) need the whole plan and run in buildPlan; at execution their concerns show up here as
 * not_delivering (the parent was paused) and entity_cooldown (the entity was just written).
 */
export function checkActionAgainstGuardrails(
  action: ActionSpec,
  live: LiveState,
  history: readonly AppliedAction[],
  config: AgentConfig,
  now: string,
  recommendationId: string | null = null,
): GuardrailVerdict {
  const nowMs = Date.parse(now);
  if (!Number.isFinite(nowMs)) throw new RangeError(`Not an instant: ${now}`);
  return checkAction(action, guardrailEnvironment(live, history, config, nowMs), recommendationId);
}

const hours = (ms: number) => Math.round((ms / HOUR_MS) * 10) / 10;

/** The per-action guardrails, in the order they run. The first block ends the check. */
export function checkAction(
  action: ActionSpec,
  env: GuardrailEnvironment,
  recommendationId: string | null,
): GuardrailVerdict {
  const events: GuardrailEvent[] = [];
  const block = (guardrail: GuardrailId, detail: string, on: ActionSpec = action): GuardrailVerdict => {
    events.push({
      guardrail,
      outcome: 'blocked',
      entityId: action.entityId,
      recommendationId,
      action: on,
      trimmedTo: null,
      detail,
    });
    return { outcome: 'blocked', action: null, events };
  };

  const entity = env.entities.get(action.entityId);
  if (!entity) return block('not_delivering', `${action.level} ${action.entityId} is not in the live state`);

  const blocker = env.protection.blockerFor(entity, env.entities);
  if (blocker) {
    const relation =
      blocker === entity ? 'is protected' : `is in the family of protected ${blocker.level} ${blocker.id}`;
    return block('protected_entity', `${entity.level} ${entity.id} ("${entity.name}") ${relation}`);
  }

  if (action.type === 'set_status' && entity.status !== action.from) {
    return block('live_state_drift', `status is ${entity.status} now, the plan expected ${action.from}`);
  }
  if (action.type === 'update_daily_budget' && entity.dailyBudget !== action.from) {
    return block(
      'live_state_drift',
      entity.dailyBudget === null
        ? `${entity.level} ${entity.id} holds no daily budget now`
        : `daily budget is ${entity.dailyBudget} now, the plan expected ${action.from}`,
    );
  }
  // A pause or budget change on something that is not delivering changes nothing and hides the reason.
  const needsDelivery = !(action.type === 'set_status' && action.to === 'ACTIVE');
  if (needsDelivery && !env.entities.isDelivering(entity)) {
    return block(
      'not_delivering',
      `${entity.level} ${entity.id} is not delivering (${entity.effectiveStatus})`,
    );
  }

  const cooldownMs = env.config.guardrails.entityCooldownHours * HOUR_MS;
  const lastMs = lastWriteMs(env.history, entity.id);
  if (lastMs !== null && env.nowMs - lastMs < cooldownMs) {
    return block(
      'entity_cooldown',
      `last write ${hours(env.nowMs - lastMs)} h ago; cooldown is ${env.config.guardrails.entityCooldownHours} h`,
    );
  }

  if (action.type === 'set_status') return { outcome: 'allowed', action, events };
  return checkBudget(action, entity, env, events, block, recommendationId);
}

function checkBudget(
  action: BudgetAction,
  entity: EntityMeta,
  env: GuardrailEnvironment,
  events: GuardrailEvent[],
  block: (g: GuardrailId, detail: string, on?: ActionSpec) => GuardrailVerdict,
  recommendationId: string | null,
): GuardrailVerdict {
  const g = env.config.guardrails;
  const currency = env.account.currency;
  const fmt = (minor: number) => formatMoney(minor, currency);

  const recent = budgetChangesInLastHour(env.history, entity.id, env.nowMs);
  if (recent >= g.maxBudgetChangesPerHour) {
    return block(
      'budget_rate_limit',
      `${recent} budget changes in the last hour; Meta allows ${g.maxBudgetChangesPerHour}`,
    );
  }

  if (action.to > action.from) {
    const hold = scaleHold(
      entity,
      env.entities,
      env.history,
      env.config.rules.scaleWinner.cooldownHours,
      env.nowMs,
    );
    if (hold) {
      const why =
        hold.reason === 'learning'
          ? `ad set ${hold.entityId} is still learning`
          : hold.reason === 'recent_increase'
            ? `budget was raised within ${env.config.rules.scaleWinner.cooldownHours} h (until ${hold.until})`
            : `ad set ${hold.entityId} had a significant edit (until ${hold.until})`;
      return block('scale_hold', `no increase: ${why}`);
    }
  }

  let current: BudgetAction = action;
  const trim = (guardrail: GuardrailId, to: number, detail: string) => {
    events.push({
      guardrail,
      outcome: 'trimmed',
      entityId: action.entityId,
      recommendationId,
      action: current,
      trimmedTo: to,
      detail,
    });
    current = { ...current, to };
  };

  const maxDelta = maxBudgetDelta(action.from, g.maxBudgetChangePct);
  if (Math.abs(current.to - current.from) > maxDelta) {
    const to = current.to > current.from ? current.from + maxDelta : current.from - maxDelta;
    if (to === current.from) {
      return block(
        'max_budget_change',
        `${g.maxBudgetChangePct} % of ${fmt(current.from)} rounds to no change`,
      );
    }
    trim(
      'max_budget_change',
      to,
      `change limited to ${g.maxBudgetChangePct} %: ${fmt(current.to)} → ${fmt(to)}`,
    );
  }

  const floor = Math.max(env.account.minDailyBudget, g.budgetFloorMinor ?? 0);
  if (current.to < floor) {
    if (current.from <= floor)
      return block(
        'budget_floor',
        `budget ${fmt(current.from)} is already at or below the floor ${fmt(floor)}`,
        current,
      );
    trim('budget_floor', floor, `floor ${fmt(floor)}: ${fmt(current.to)} → ${fmt(floor)}`);
  }

  const ceiling = g.budgetCeilingMinor;
  if (ceiling !== null && current.to > ceiling) {
    if (current.from >= ceiling) {
      return block(
        'budget_ceiling',
        `budget ${fmt(current.from)} is already at or above the ceiling ${fmt(ceiling)}`,
        current,
      );
    }
    trim('budget_ceiling', ceiling, `ceiling ${fmt(ceiling)}: ${fmt(current.to)} → ${fmt(ceiling)}`);
  }

  return current.to === action.to
    ? { outcome: 'allowed', action, events }
    : { outcome: 'trimmed', action: current, events };
}
