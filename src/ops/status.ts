import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { outsideActivitiesOfObjectsAfter } from '../db/repos/account-activities.js';
import { newestAgentEvents } from '../db/repos/agent-events.js';
import type { AgentRow } from '../db/repos/agents.js';
import { actionsOf, activePlan, type PlanActionRow, type PlanRow } from '../db/repos/plans.js';
import { latestRun } from '../db/repos/runs.js';
import { classifyAs } from '../domain/activity.js';
import type { Actor } from '../domain/actor.js';
import { pollsWhileHalted } from '../domain/kill-switch.js';
import { formatMoney } from '../domain/money.js';
import { type ShadowStatus, shadowStatuses } from '../domain/shadow.js';
import { type AgentEventEntry, agentEventEntry } from './action-log.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { storedPrecision } from './rule-precision.js';
import { minPrecisionPct } from './setup.js';

export interface StatusResult {
  adAccountId: string;
  accountName: string | null;
  currency: string;
  /** The account's time zone (Meta's timezone_name), in which operators read times. */
  timezoneName: string | null;
  targetCpaMinor: number | null;
  targetRoas: number | null;
  enabled: boolean;
  executionEnabled: boolean;
  intervalSeconds: number;
  halted: boolean;
  haltedReason: string | null;
  haltedBy: string | null;
  environment: 'sandbox' | 'live';
  slackTarget: string | null;
  lastRun: { id: string; status: string; startedAt: string; finishedAt: string | null } | null;
  /** When a worker has scheduled the next poll; null when none has (or while halted or disabled). */
  nextRunAt: string | null;
  schedule: 'scheduled' | 'not_scheduled' | 'halted' | 'disabled';
  token: { mode: string; expiresAt: string | null; expiresInDays: number | null };
  plan: {
    id: string;
    expiresAt: string;
    expired: boolean;
    counts: Record<string, number>;
    /** Actions not yet settled whose object someone else changed after the plan (the newest change each). */
    outsideChanges: PlanOutsideChange[];
  } | null;
  /** Minimum backtest precision per rule, in whole percents, and the judged verdicts it needs. */
  minPrecisionPct: Record<string, number>;
  minPrecisionCases: number;
  /** Rules in shadow now, and why, on the stored measurements (src/domain/shadow.ts). */
  shadow: ShadowStatus[];
  killSwitch: { enabled: boolean; paceMultiple: number; maxWriteFailures: number; windowMinutes: number };
  /** The newest halt, trip or resume: why the agent stopped, or who resumed it. */
  lastEvent: AgentEventEntry | null;
}

export interface PlanOutsideChange {
  key: string;
  entityId: string;
  at: string;
  by: string;
  kind: string;
  sentence: string;
}

const SETTLED = new Set(['applied', 'failed', 'stale', 'rolled_back', 'rolling_back', 'rejected']);

/** The newest outside change (as the polls stored the activity log) to each unsettled action's object. */
async function outsideChangesOfPlan(
  db: Db,
  agent: AgentRow,
  plan: PlanRow,
  actions: PlanActionRow[],
): Promise<PlanOutsideChange[]> {
  const open = actions.filter((a) => !SETTLED.has(a.status));
  const found = await outsideActivitiesOfObjectsAfter(
    db,
    agent.adAccountId,
    open.map((a) => a.entityId),
    plan.createdAt,
  );
  const money = (minor: number) => formatMoney(minor, agent.currency);
  const out: PlanOutsideChange[] = [];
  for (const a of open) {
    const last = found.filter((f) => f.activity.objectId === a.entityId).at(-1);
    if (!last) continue;
    const c = classifyAs(last.activity, last.kind, money);
    out.push({
      key: a.key,
      entityId: a.entityId,
      at: c.activity.eventTime,
      by: c.actor,
      kind: c.kind,
      sentence: c.sentence,
    });
  }
  return out;
}

export async function status(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<StatusResult> {
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  const now = ctx.clock.now();
  const run = await latestRun(db, agent.id);
  const plan = await activePlan(db, agent.id);
  const counts: Record<string, number> = {};
  const actions = plan ? await actionsOf(db, plan.id) : [];
  for (const a of actions) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const outside = plan ? await outsideChangesOfPlan(db, agent, plan, actions) : [];
  const config = agentConfigOf(agent);
  const shadow = shadowStatuses(config, await storedPrecision(db, agent.id), now.toISOString());
  // Only what a worker has actually scheduled is promised; nothing is inferred from the interval.
  // A kill-switch halt keeps polling (src/domain/kill-switch.ts): its schedule stands.
  const schedule: StatusResult['schedule'] = !pollsWhileHalted(agent)
    ? 'halted'
    : !agent.enabled
      ? 'disabled'
      : agent.nextRunAt
        ? 'scheduled'
        : 'not_scheduled';
  const expiresAt = connection.tokenExpiresAt;
  const [lastEvent] = await newestAgentEvents(db, agent.id, 1);
  return {
    killSwitch: {
      enabled: config.killSwitch.enabled,
      paceMultiple: config.killSwitch.paceMultiple,
      maxWriteFailures: config.killSwitch.maxWriteFailures,
      windowMinutes: config.killSwitch.writeFailureWindowMinutes,
    },
    lastEvent: lastEvent ? agentEventEntry(lastEvent) : null,
    adAccountId: agent.adAccountId,
    accountName: agent.accountName,
    currency: agent.currency,
    timezoneName: agent.timezoneName,
    targetCpaMinor: config.targetCpaMinor,
    targetRoas: config.targetRoas,
    enabled: agent.enabled,
    executionEnabled: agent.executionEnabled,
    intervalSeconds: agent.intervalSeconds,
    halted: agent.halted,
    haltedReason: agent.haltedReason,
    haltedBy: agent.haltedBy,
    environment: connection.environment,
    slackTarget: agent.slackChannelId ? `channel:${agent.slackChannelId}` : null,
    lastRun: run
      ? {
          id: run.id,
          status: run.status,
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
        }
      : null,
    nextRunAt: schedule === 'scheduled' ? agent.nextRunAt!.toISOString() : null,
    schedule,
    token: {
      mode: connection.tokenMode,
      expiresAt: expiresAt ? expiresAt.toISOString() : null,
      expiresInDays: expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / 86_400_000) : null,
    },
    plan: plan
      ? {
          id: plan.id,
          expiresAt: plan.expiresAt.toISOString(),
          expired: plan.expiresAt.getTime() <= now.getTime(),
          counts,
          outsideChanges: outside,
        }
      : null,
    minPrecisionPct: minPrecisionPct(config.shadow.minPrecision),
    minPrecisionCases: config.shadow.minPrecisionCases,
    shadow,
  };
}
