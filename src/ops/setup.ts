import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { updateAgent } from '../db/repos/agents.js';
import { formatMoney, toMinorUnits } from '../domain/money.js';
import { AppError } from '../lib/errors.js';
import {
  agentConfigOf,
  configForStorage,
  type StoredAgentConfig,
  storedAgentConfigSchema,
} from './agent-config.js';
import { resolveAgent } from './agent-scope.js';
import { resyncPollSchedule } from './schedule-sync.js';

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
  currency: string;
  applied: boolean;
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
  const changes = diff(current, next, agent.currency);
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
    await resyncPollSchedule(ctx, agent.id);
  }
  return {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    applied: input.apply,
    changes,
    config: describeConfig(next, agent.currency),
  };
}

function diff(a: StoredAgentConfig, b: StoredAgentConfig, currency: string): SetupResult['changes'] {
  const before = describeConfig(a, currency);
  const after = describeConfig(b, currency);
  const out: SetupResult['changes'] = [];
  for (const field of Object.keys(after)) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      out.push({ field, from: before[field] ?? null, to: after[field] });
    }
  }
  return out;
}

/** The config as an operator reads it: money in the account currency, flat field names. */
export function describeConfig(c: StoredAgentConfig, currency: string): Record<string, unknown> {
  return {
    targetCpa: c.targetCpaMinor === null ? null : formatMoney(c.targetCpaMinor, currency),
    targetRoas: c.targetRoas,
    datePreset: c.datePreset,
    attributionWindow: c.attributionWindow,
    sourceOfTruth: c.sourceOfTruth,
    slackTarget: c.slackTarget,
    executionEnabled: c.executionEnabled,
    intervalSeconds: c.intervalSeconds,
    rollbackWindowHours: c.rollbackWindowHours,
    planTtlHours: c.planTtlHours,
    approvers: c.approvers,
    confidenceLevel: c.confidenceLevel,
    maxBudgetChangePct: c.guardrails.maxBudgetChangePct,
    maxActionsPerPlan: c.guardrails.maxActionsPerPlan,
    approvalWaiverMaxDecreasePct: c.guardrails.approvalWaiverMaxDecreasePct,
    protectedEntityIds: c.guardrails.protectedEntityIds,
    protectedNamePatterns: c.guardrails.protectedNamePatterns,
  };
}

export const slackTargetSchema = z
  .string()
  .regex(/^channel:[CG][A-Z0-9]{6,}$/, 'must look like channel:C12345678')
  .transform((s) => s.slice('channel:'.length));
