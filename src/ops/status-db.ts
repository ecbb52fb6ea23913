import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { outsideActivitiesOfObjectsAfter } from '../db/repos/account-activities.js';
import { newestAgentEvents } from '../db/repos/agent-events.js';
import { type AgentRow, allAgents } from '../db/repos/agents.js';
import { type ConnectionRow, connectionById } from '../db/repos/connections.js';
import { actionsOf, activePlan, type PlanActionRow, type PlanRow } from '../db/repos/plans.js';
import { latestRun } from '../db/repos/runs.js';
import { classifyAs } from '../domain/activity.js';
import type { Actor } from '../domain/actor.js';
import { pollsWhileHalted } from '../domain/kill-switch.js';
import { formatMoney } from '../domain/money.js';
import { agentEventEntry } from './action-log.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { storedPrecision } from './rule-precision.js';
import { minPrecisionPct } from './setup.js';
import { type PlanOutsideChange, type StatusFacts, type StatusResult, statusAt } from './status-facts.js';
import { STATUS_SNAPSHOT_FORMAT, type StatusSnapshot } from './status-snapshot.js';

/** status answered by the database: the agent resolved and authorised as for every command. */
export async function statusFromDatabase(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<StatusResult> {
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  return statusAt(await statusFacts(db, agent, connection), ctx.clock.now());
}

/** The status of one agent, read from the database. */
export async function statusFacts(db: Db, agent: AgentRow, connection: ConnectionRow): Promise<StatusFacts> {
  const run = await latestRun(db, agent.id);
  const plan = await activePlan(db, agent.id);
  const counts: Record<string, number> = {};
  const actions = plan ? await actionsOf(db, plan.id) : [];
  for (const a of actions) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const outside = plan ? await outsideChangesOfPlan(db, agent, plan, actions) : [];
  const config = agentConfigOf(agent);
  const measured = await storedPrecision(db, agent.id);
  // Only what a worker has actually scheduled is promised; nothing is inferred from the interval.
  // A kill-switch halt keeps polling (src/domain/kill-switch.ts): its schedule stands.
  const schedule: StatusResult['schedule'] = !pollsWhileHalted(agent)
    ? 'halted'
    : !agent.enabled
      ? 'disabled'
      : agent.nextRunAt
        ? 'scheduled'
        : 'not_scheduled';
  const [lastEvent] = await newestAgentEvents(db, agent.id, 1);
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
    plan: plan
      ? { id: plan.id, expiresAt: plan.expiresAt.toISOString(), counts, outsideChanges: outside }
      : null,
    minPrecisionPct: minPrecisionPct(config.shadow.minPrecision),
    minPrecisionCases: config.shadow.minPrecisionCases,
    shadowInputs: { config, measured },
    killSwitch: {
      enabled: config.killSwitch.enabled,
      paceMultiple: config.killSwitch.paceMultiple,
      maxWriteFailures: config.killSwitch.maxWriteFailures,
      windowMinutes: config.killSwitch.writeFailureWindowMinutes,
    },
    lastEvent: lastEvent ? agentEventEntry(lastEvent) : null,
  };
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

/** Reads the status facts of every agent: what the closing process writes as the home's read model. */
export async function computeStatusSnapshot(db: Db): Promise<StatusSnapshot> {
  const agents = [];
  for (const agent of await allAgents(db)) {
    const connection = await connectionById(db, agent.connectionId);
    let facts: StatusFacts | null = null;
    if (connection && !connection.revokedAt) {
      try {
        facts = await statusFacts(db, agent, connection);
      } catch {
        // e.g. a stored config that no longer parses: the database path reports it.
        facts = null;
      }
    }
    agents.push({ adAccountId: agent.adAccountId, facts });
  }
  return { format: STATUS_SNAPSHOT_FORMAT, agents };
}
