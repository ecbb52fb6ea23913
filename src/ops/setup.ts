import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { updateAgent } from '../db/repos/agents.js';
import { toMinorUnits } from '../domain/money.js';
import { AppError } from '../lib/errors.js';
import {
  agentConfigOf,
  configForStorage,
  type StoredAgentConfig,
  storedAgentConfigSchema,
} from './agent-config.js';
import { resolveAgent } from './agent-scope.js';

/** What `setup` may change. Money arrives as a decimal in the account currency's major units ("120"). */
export interface SetupChanges {
  targetCpa?: string;
  targetRoas?: number;
  datePreset?: StoredAgentConfig['datePreset'];
  attributionWindow?: StoredAgentConfig['attributionWindow'];
  sourceOfTruth?: StoredAgentConfig['sourceOfTruth'];
  slackChannelId?: string;
  executionEnabled?: boolean;
  intervalSeconds?: number;
  rollbackWindowHours?: number;
  planTtlHours?: number;
  approvers?: string[];
  maxBudgetChangePct?: number;
  maxActionsPerPlan?: number;
  approvalWaiverMaxDecreasePct?: number | null;
  protectedEntityIds?: string[];
  protectedNamePatterns?: string[];
  confidenceLevel?: number;
}

export interface SetupResult {
  adAccountId: string;
  /** The currency of target_cpa, which is in its minor units. */
  currency: string;
  applied: boolean;
  /** Fields as in `config` (snake_case). */
  changes: Array<{ field: string; from: unknown; to: unknown }>;
  config: Record<string, unknown>;
}

/** Shows, and with `apply` stores, a change to an agent's configuration. */
export async function setup(
  ctx: AppContext,
  input: { adAccount?: string; apply: boolean; changes: SetupChanges },
): Promise<SetupResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
  const current = agentConfigOf(agent);
  const c = input.changes;
  const draft: Record<string, unknown> = {
    ...current,
    guardrails: { ...current.guardrails },
  };
  const set = (field: string, value: unknown) => {
    if (value !== undefined) draft[field] = value;
  };
  const setGuard = (field: string, value: unknown) => {
    if (value !== undefined) (draft.guardrails as Record<string, unknown>)[field] = value;
  };
  set('targetCpaMinor', c.targetCpa === undefined ? undefined : toMinorUnits(c.targetCpa, agent.currency));
  set('targetRoas', c.targetRoas);
  set('datePreset', c.datePreset);
  set('attributionWindow', c.attributionWindow);
  set('sourceOfTruth', c.sourceOfTruth);
  set('slackTarget', c.slackChannelId === undefined ? undefined : `channel:${c.slackChannelId}`);
  set('executionEnabled', c.executionEnabled);
  set('intervalSeconds', c.intervalSeconds);
  set('rollbackWindowHours', c.rollbackWindowHours);
  set('planTtlHours', c.planTtlHours);
  set('approvers', c.approvers);
  set('confidenceLevel', c.confidenceLevel);
  setGuard('maxBudgetChangePct', c.maxBudgetChangePct);
  setGuard('maxActionsPerPlan', c.maxActionsPerPlan);
  setGuard('approvalWaiverMaxDecreasePct', c.approvalWaiverMaxDecreasePct);
  setGuard('protectedEntityIds', c.protectedEntityIds);
  setGuard('protectedNamePatterns', c.protectedNamePatterns);

  const parsed = storedAgentConfigSchema.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError({
      code: 'setup_invalid',
      verdict: 'invalid',
      message: `That configuration is not valid: ${issue.path.join('.')} ${issue.message}. Nothing was changed.`,
    });
  }
  const next = parsed.data as StoredAgentConfig;
  const changes = diff(current, next);
  if (input.apply && changes.length > 0) {
    const now = ctx.clock.now();
    await updateAgent(
      db,
      agent.id,
      {
        config: configForStorage(next),
        executionEnabled: next.executionEnabled,
        intervalSeconds: next.intervalSeconds,
        slackChannelId: next.slackTarget ? next.slackTarget.replace(/^channel:/, '') : null,
        nextRunAt: next.intervalSeconds !== current.intervalSeconds ? null : agent.nextRunAt,
      },
      now,
    );
    ctx.logger.info('agent configured', { agentId: agent.id, fields: changes.map((ch) => ch.field) });
  }
  return {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    applied: input.apply,
    changes,
    config: describeConfig(next),
  };
}

function diff(a: StoredAgentConfig, b: StoredAgentConfig): SetupResult['changes'] {
  const before = describeConfig(a);
  const after = describeConfig(b);
  const out: SetupResult['changes'] = [];
  for (const field of Object.keys(after)) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      out.push({ field, from: before[field] ?? null, to: after[field] });
    }
  }
  return out;
}

/**
 * The config as operators and --json read it: flat snake_case fields, money as integer minor units of
 * `currency` (see SetupResult), never a formatted string.
 */
export function describeConfig(c: StoredAgentConfig): Record<string, unknown> {
  return {
    target_cpa: c.targetCpaMinor,
    target_roas: c.targetRoas,
    date_preset: c.datePreset,
    attribution_window: c.attributionWindow,
    source_of_truth: c.sourceOfTruth,
    slack_target: c.slackTarget,
    execution_enabled: c.executionEnabled,
    interval_seconds: c.intervalSeconds,
    rollback_window_hours: c.rollbackWindowHours,
    plan_ttl_hours: c.planTtlHours,
    approvers: c.approvers,
    confidence_level: c.confidenceLevel,
    max_budget_change_pct: c.guardrails.maxBudgetChangePct,
    max_actions_per_plan: c.guardrails.maxActionsPerPlan,
    approval_waiver_max_decrease_pct: c.guardrails.approvalWaiverMaxDecreasePct,
    protected_entity_ids: c.guardrails.protectedEntityIds,
    protected_name_patterns: c.guardrails.protectedNamePatterns,
  };
}

export const slackTargetSchema = z
  .string()
  .regex(/^channel:[CG][A-Z0-9]{6,}$/, 'must look like channel:C12345678')
  .transform((s) => s.slice('channel:'.length));
