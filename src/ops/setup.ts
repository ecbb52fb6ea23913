import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { agentByChannel, updateAgent } from '../db/repos/agents.js';
import { ensureWorkspace, liveWorkspaceByTeam, workspaceById } from '../db/repos/slack-workspaces.js';
import { type Actor, actorLabel, SLACK_TEAM_ID } from '../domain/actor.js';
import { toMinorUnits } from '../domain/money.js';
import type { RuleId } from '../domain/recommendation.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import {
  agentConfigOf,
  configForStorage,
  type StoredAgentConfig,
  storedAgentConfigSchema,
} from './agent-config.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize, rosterOf } from './authorize.js';
import { resyncPollSchedule } from './schedule-sync.js';

/** What `setup` may change. Money arrives as a decimal in the account currency's major units ("120"). */
export interface SetupChanges {
  targetCpa?: string;
  targetRoas?: number;
  datePreset?: StoredAgentConfig['datePreset'];
  attributionWindow?: StoredAgentConfig['attributionWindow'];
  sourceOfTruth?: StoredAgentConfig['sourceOfTruth'];
  slackChannelId?: string;
  /** The Slack workspace (team id T…) the agent belongs to; from Slack it is always the actor's own. */
  slackWorkspaceId?: string;
  executionEnabled?: boolean;
  intervalSeconds?: number;
  rollbackWindowHours?: number;
  planTtlHours?: number;
  approvers?: string[];
  operators?: string[];
  maxBudgetChangePct?: number;
  maxActionsPerPlan?: number;
  approvalWaiverMaxDecreasePct?: number | null;
  protectedEntityIds?: string[];
  protectedNamePatterns?: string[];
  confidenceLevel?: number;
  /** Rules that recommend but never plan (shadow mode); [] puts every rule back to live. */
  shadowRules?: RuleId[];
  /**
   * Minimum backtest precision per rule, in whole percents (70 = 70 %); null removes a rule's minimum.
   * Rules not named keep theirs.
   */
  minPrecision?: Partial<Record<RuleId, number | null>>;
  /** Labelled verdicts a rule's measurement needs before its precision counts. */
  minPrecisionCases?: number;
  /** The automatic kill switch on or off, its pace multiple, and how many failed writes in its window trip it. */
  killSwitchEnabled?: boolean;
  killSwitchPace?: number;
  killSwitchFailures?: number;
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

/**
 * Shows, and with `apply` stores, a change to an agent's configuration. Storing needs an operator —
 * except on an agent nobody operates yet, where the Slack user who sets it up becomes its first operator
 * (its approvers stay as they are: none named means the operators approve). From Slack the agent is
 * always bound to the actor's own workspace; only this machine's CLI may bind it to one by team id.
 */
export async function setup(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor; apply: boolean; changes: SetupChanges },
): Promise<SetupResult> {
  const { db, agent } = await resolveFor(ctx, input.actor, input);
  const current = agentConfigOf(agent);
  const c = { ...input.changes };
  const actor = input.actor;
  const claiming = actor.source === 'slack' && current.operators.length === 0;
  if (input.apply && !claiming) authorize(actor, 'setup', agent, rosterOf(agent));
  if (actor.source === 'slack') {
    if (c.slackWorkspaceId !== undefined && c.slackWorkspaceId !== actor.workspaceId) {
      throw new AppError({
        code: 'permission_denied',
        verdict: 'permission',
        message: `An agent set up from Slack belongs to the workspace it is set up from; it cannot be moved to ${c.slackWorkspaceId.slice(0, 24)}. Nothing was changed.`,
      });
    }
    c.slackWorkspaceId = actor.workspaceId ?? undefined;
    if (claiming) c.operators = [...new Set([actor.id, ...(c.operators ?? [])])];
  }
  if (c.slackChannelId !== undefined && !SLACK_CHANNEL_ID.test(c.slackChannelId)) {
    throw new AppError({
      code: 'setup_invalid',
      verdict: 'invalid',
      message: 'slackTarget must be a Slack channel such as channel:C12345678. Nothing was changed.',
    });
  }
  if (c.slackWorkspaceId !== undefined && !SLACK_TEAM_ID.test(c.slackWorkspaceId)) {
    throw new AppError({
      code: 'setup_invalid',
      verdict: 'invalid',
      message: 'slackWorkspace must be a Slack team id such as T012AB3CD. Nothing was changed.',
    });
  }
  const boundWorkspace = agent.slackWorkspaceId ? await workspaceById(db, agent.slackWorkspaceId) : undefined;
  const teamBefore = boundWorkspace?.teamId ?? null;
  const teamAfter = c.slackWorkspaceId ?? teamBefore;
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
  set('operators', c.operators);
  set('confidenceLevel', c.confidenceLevel);
  setGuard('maxBudgetChangePct', c.maxBudgetChangePct);
  setGuard('maxActionsPerPlan', c.maxActionsPerPlan);
  setGuard('approvalWaiverMaxDecreasePct', c.approvalWaiverMaxDecreasePct);
  setGuard('protectedEntityIds', c.protectedEntityIds);
  setGuard('protectedNamePatterns', c.protectedNamePatterns);
  if (c.shadowRules !== undefined || c.minPrecision !== undefined || c.minPrecisionCases !== undefined) {
    const minPrecision: Partial<Record<RuleId, number>> = { ...current.shadow.minPrecision };
    for (const [rule, pct] of Object.entries(c.minPrecision ?? {}) as Array<[RuleId, number | null]>) {
      if (pct === null) delete minPrecision[rule];
      else minPrecision[rule] = pct / 100;
    }
    draft.shadow = {
      ...current.shadow,
      ...(c.shadowRules !== undefined ? { rules: c.shadowRules } : {}),
      minPrecision,
      ...(c.minPrecisionCases !== undefined ? { minPrecisionCases: c.minPrecisionCases } : {}),
    };
  }
  const ks = { ...current.killSwitch };
  if (c.killSwitchEnabled !== undefined) ks.enabled = c.killSwitchEnabled;
  if (c.killSwitchPace !== undefined) ks.paceMultiple = c.killSwitchPace;
  if (c.killSwitchFailures !== undefined) ks.maxWriteFailures = c.killSwitchFailures;
  draft.killSwitch = ks;

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
  if (teamAfter !== teamBefore) changes.push({ field: 'slack_workspace', from: teamBefore, to: teamAfter });
  const channelAfter = next.slackTarget ? next.slackTarget.replace(/^channel:/, '') : null;
  if (teamAfter && channelAfter) await refuseTakenChannel(db, agent.id, teamAfter, channelAfter);
  if (input.apply && changes.length > 0) {
    const now = ctx.clock.now();
    const workspace =
      teamAfter && teamAfter !== teamBefore
        ? await ensureWorkspace(db, {
            id: newId('ws', now.getTime()),
            teamId: teamAfter,
            installedBy: actorLabel(actor),
            at: now,
          })
        : undefined;
    await updateAgent(
      db,
      agent.id,
      {
        ...(workspace ? { slackWorkspaceId: workspace.id } : {}),
        config: configForStorage(next),
        executionEnabled: next.executionEnabled,
        intervalSeconds: next.intervalSeconds,
        slackChannelId: next.slackTarget ? next.slackTarget.replace(/^channel:/, '') : null,
        nextRunAt: next.intervalSeconds !== current.intervalSeconds ? null : agent.nextRunAt,
      },
      now,
    );
    ctx.logger.info('agent configured', {
      agentId: agent.id,
      actor: actorLabel(actor),
      fields: changes.map((ch) => ch.field),
    });
    await resyncPollSchedule(ctx, agent.id);
  }
  return {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    applied: input.apply,
    changes,
    config: { ...describeConfig(next), slack_workspace: teamAfter },
  };
}

/** One channel reports one agent: a Slack request in it must mean exactly one agent. */
async function refuseTakenChannel(
  db: Parameters<typeof agentByChannel>[0],
  agentId: string,
  teamId: string,
  channelId: string,
): Promise<void> {
  const ws = await liveWorkspaceByTeam(db, teamId);
  if (!ws) return;
  const other = await agentByChannel(db, ws.id, channelId);
  if (other && other.id !== agentId) {
    throw new AppError({
      code: 'channel_taken',
      verdict: 'invalid',
      message: `Channel ${channelId} already receives the reports of ${other.adAccountId}: choose another channel. Nothing was changed.`,
    });
  }
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
    operators: c.operators,
    approvers: c.approvers,
    confidence_level: c.confidenceLevel,
    max_budget_change_pct: c.guardrails.maxBudgetChangePct,
    max_actions_per_plan: c.guardrails.maxActionsPerPlan,
    approval_waiver_max_decrease_pct: c.guardrails.approvalWaiverMaxDecreasePct,
    protected_entity_ids: c.guardrails.protectedEntityIds,
    protected_name_patterns: c.guardrails.protectedNamePatterns,
    shadow_rules: c.shadow.rules,
    min_precision_pct: minPrecisionPct(c.shadow.minPrecision),
    min_precision_cases: c.shadow.minPrecisionCases,
    precision_remeasure_days: c.shadow.remeasureAfterDays,
    precision_stale_days: c.shadow.staleAfterDays,
    kill_switch: c.killSwitch.enabled,
    kill_switch_pace: c.killSwitch.paceMultiple,
    kill_switch_failures: c.killSwitch.maxWriteFailures,
    kill_switch_failure_window_minutes: c.killSwitch.writeFailureWindowMinutes,
  };
}

/** Minimum precisions as whole percents, in rule-id order ({high_cpa: 70}). */
export function minPrecisionPct(m: Partial<Record<RuleId, number>>): Record<string, number> {
  return Object.fromEntries(
    (Object.entries(m) as Array<[RuleId, number]>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([rule, p]) => [rule, Math.round(p * 1000) / 10]),
  );
}

/** Slack channel ids: public (C…) or private (G…), bounded like every id that enters. */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,20}$/;

export const slackTargetSchema = z
  .string()
  .regex(/^channel:[CG][A-Z0-9]{6,20}$/, 'must look like channel:C12345678')
  .transform((s) => s.slice('channel:'.length));
