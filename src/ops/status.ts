import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import type { AgentRow } from '../db/repos/agents.js';
import type { ConnectionRow } from '../db/repos/connections.js';
import { actionsOf, activePlan } from '../db/repos/plans.js';
import { latestRun } from '../db/repos/runs.js';
import type { Actor } from '../domain/actor.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { snapshotStatusFacts } from './status-snapshot.js';

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
  plan: { id: string; expiresAt: string; expired: boolean; counts: Record<string, number> } | null;
}

/**
 * What status reports that does not depend on the time it is read: the stored state. Token expiry in
 * days and whether the plan has expired are worked out from these at read time (statusAt), so a
 * snapshot of the facts (status-snapshot.ts) answers exactly as the database would, at any later time.
 */
export interface StatusFacts extends Omit<StatusResult, 'token' | 'plan'> {
  token: { mode: string; expiresAt: string | null };
  plan: { id: string; expiresAt: string; counts: Record<string, number> } | null;
}

/** The status of one agent, read from the database. */
export async function statusFacts(db: Db, agent: AgentRow, connection: ConnectionRow): Promise<StatusFacts> {
  const run = await latestRun(db, agent.id);
  const plan = await activePlan(db, agent.id);
  const counts: Record<string, number> = {};
  if (plan) for (const a of await actionsOf(db, plan.id)) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const config = agentConfigOf(agent);
  // Only what a worker has actually scheduled is promised; nothing is inferred from the interval.
  const schedule: StatusResult['schedule'] = agent.halted
    ? 'halted'
    : !agent.enabled
      ? 'disabled'
      : agent.nextRunAt
        ? 'scheduled'
        : 'not_scheduled';
  const expiresAt = connection.tokenExpiresAt;
  return {
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
    token: { mode: connection.tokenMode, expiresAt: expiresAt ? expiresAt.toISOString() : null },
    plan: plan ? { id: plan.id, expiresAt: plan.expiresAt.toISOString(), counts } : null,
  };
}

/** The status as of `now`: the facts plus what depends on the time (token days left, plan expired). */
export function statusAt(facts: StatusFacts, now: Date): StatusResult {
  const expiresAt = facts.token.expiresAt === null ? null : Date.parse(facts.token.expiresAt);
  return {
    ...facts,
    token: {
      mode: facts.token.mode,
      expiresAt: facts.token.expiresAt,
      expiresInDays: expiresAt === null ? null : Math.floor((expiresAt - now.getTime()) / 86_400_000),
    },
    plan: facts.plan
      ? {
          id: facts.plan.id,
          expiresAt: facts.plan.expiresAt,
          expired: Date.parse(facts.plan.expiresAt) <= now.getTime(),
          counts: facts.plan.counts,
        }
      : null,
  };
}

/**
 * One agent's status. From the CLI on an embedded database, a fresh snapshot of the home (written by
 * the last process that had the database open; see status-snapshot.ts) answers without starting
 * Postgres; whenever it cannot prove itself fresh, or the call is anything but the plain case, the
 * database answers.
 */
export async function status(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<StatusResult> {
  if (input.actor.source === 'cli' && !input.slack) {
    const home = ctx.snapshotHome();
    const facts = home ? snapshotStatusFacts(home, input.adAccount) : undefined;
    if (facts) return statusAt(facts, ctx.clock.now());
  }
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  return statusAt(await statusFacts(db, agent, connection), ctx.clock.now());
}
