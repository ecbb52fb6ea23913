import { and, eq, gt } from 'drizzle-orm';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { failedWritesSince, rollbacksOf, writesAfter } from '../db/repos/action-log.js';
import { previousSucceededRun, recordAgentEvent } from '../db/repos/agent-events.js';
import { type AgentRow, updateAgent } from '../db/repos/agents.js';
import { enqueueOutbox } from '../db/repos/outbox.js';
import { agents, plans } from '../db/schema/index.js';
import type { AgentConfig } from '../domain/agent-config.js';
import {
  evaluatePollTrips,
  KILL_SWITCH_ACTOR,
  type TodaySpend,
  type Trip,
  tokenTrip,
  tripDay,
  tripKey,
  writeFailuresTrip,
} from '../domain/kill-switch.js';
import type { Snapshot } from '../domain/snapshot.js';
import type { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { outsideChanges } from './activities.js';
import { agentConfigOf } from './agent-config.js';

/** Outbox topic of the one Slack message a trip posts in the agent's channel. */
export const KILL_SWITCH_TOPIC = 'slack.kill_switch' as const;

export interface FiredTrip {
  agentId: string;
  eventIds: string[];
  trips: Trip[];
  /** The halt reason stored on the agent. */
  reason: string;
  /** The plan whose approvals were expired, if one was active. */
  expiredPlanId: string | null;
  /** The outbox row of the Slack post, when one was queued. */
  outboxId: string | null;
}

/**
 * Fires trips on an agent, in the caller's transaction: records each trip once (agent_events' unique
 * trip key), halts the agent with the reason, expires the active plan (its approvals can no longer be
 * executed) and queues ONE Slack post (outbox `slack.kill_switch`: the message in the channel, and the
 * approval queue re-rendered as closed). Fires nothing on an agent already halted — whoever halted it,
 * the reason already standing is the one to read — nor for a trip already recorded under its key.
 */
export async function fireTripsInTx(
  tx: Db,
  input: {
    agentId: string;
    trips: Trip[];
    day: string;
    now: Date;
    /** Who halts (default the kill switch); token maintenance halts as itself, through the same path. */
    haltedBy?: string;
    /** Queue the Slack post (default true); token maintenance posts its own connection warning. */
    post?: boolean;
    /** Halt even when every trip was already recorded today (a dead token must halt every time). */
    force?: boolean;
  },
): Promise<FiredTrip | null> {
  if (input.trips.length === 0) return null;
  const [agent] = await tx.select().from(agents).where(eq(agents.id, input.agentId)).for('update');
  if (!agent || agent.halted) return null;
  const now = input.now;
  const by = input.haltedBy ?? KILL_SWITCH_ACTOR;
  const fired: Trip[] = [];
  const eventIds: string[] = [];
  for (const trip of input.trips) {
    const id = newId('aevt', now.getTime());
    const recorded = await recordAgentEvent(tx, {
      id,
      agentId: agent.id,
      kind: 'trip',
      tripKind: trip.kind,
      tripKey: tripKey(trip.kind, input.day),
      reason: trip.reason,
      actor: by,
      details: trip.evidence,
      at: now,
    });
    if (recorded) {
      fired.push(trip);
      eventIds.push(id);
    }
  }
  if (fired.length === 0 && !input.force) return null;
  if (fired.length === 0) fired.push(...input.trips);
  const joined = fired.map((t) => t.reason).join('; ');
  const reason = (by === KILL_SWITCH_ACTOR ? `Kill switch: ${joined}` : joined).slice(0, 1_000);
  await updateAgent(tx, agent.id, { halted: true, haltedReason: reason, haltedBy: by, haltedAt: now }, now);
  const expired = await tx
    .update(plans)
    .set({ expiresAt: now })
    .where(and(eq(plans.agentId, agent.id), eq(plans.status, 'active'), gt(plans.expiresAt, now)))
    .returning({ id: plans.id });
  const expiredPlanId = expired[0]?.id ?? null;
  let outboxId: string | null = null;
  if (input.post !== false && agent.slackChannelId) {
    outboxId = newId('obx', now.getTime());
    await enqueueOutbox(tx, {
      id: outboxId,
      topic: KILL_SWITCH_TOPIC,
      dedupeKey: `kill-switch-${eventIds[0] ?? outboxId}`,
      payload: {
        v: 1,
        agent_id: agent.id,
        ad_account_id: agent.adAccountId,
        channel_id: agent.slackChannelId,
        event_ids: eventIds,
        trips: fired.map((t) => ({ kind: t.kind, reason: t.reason })),
        plan_id: expiredPlanId,
        at: now.toISOString(),
      },
      now,
    });
  }
  return { agentId: agent.id, eventIds, trips: fired, reason, expiredPlanId, outboxId };
}

/** fireTripsInTx in its own transaction, logged. */
export async function fireTrips(
  ctx: AppContext,
  agent: AgentRow,
  trips: Trip[],
  day: string,
): Promise<FiredTrip | null> {
  if (trips.length === 0) return null;
  const { db } = await ctx.database();
  const now = ctx.clock.now();
  const fired = await db.transaction(async (tx) =>
    fireTripsInTx(tx as unknown as Db, { agentId: agent.id, trips, day, now }),
  );
  if (fired) {
    ctx.logger.warn('kill switch tripped: agent halted', {
      agentId: agent.id,
      trips: fired.trips.map((t) => t.kind),
      expiredPlanId: fired.expiredPlanId,
    });
  }
  return fired;
}

/**
 * The checks a poll runs once its snapshot is stored: spend pace, spend without conversions, and our
 * writes undone by someone else since the previous poll. Nothing on a halted agent or a switched-off one.
 */
export async function checkAfterPoll(
  ctx: AppContext,
  input: {
    agent: AgentRow;
    config: AgentConfig;
    snapshot: Snapshot;
    today: TodaySpend | null;
    run: { id: string; startedAt: Date };
  },
): Promise<FiredTrip | null> {
  const { agent, config, snapshot } = input;
  if (agent.halted || !config.killSwitch.enabled) return null;
  const { db } = await ctx.database();
  const previous = await previousSucceededRun(db, agent.id, input.run);
  const writesSincePreviousPoll = previous ? await ourStandingWrites(ctx, db, agent, previous.startedAt) : [];
  const trips = evaluatePollTrips({ snapshot, config, today: input.today, writesSincePreviousPoll });
  const day = input.today?.date ?? tripDay(snapshot.metaNow ?? snapshot.takenAt, snapshot.account.timezone);
  return fireTrips(ctx, agent, trips, day);
}

/**
 * Applied writes of the executor after a moment that no rollback of ours undid, oldest first, each with
 * who else changed its object since (from the activity log the poll just read), when anyone did.
 */
async function ourStandingWrites(ctx: AppContext, db: Db, agent: AgentRow, after: Date) {
  const rows = await writesAfter(db, agent.id, after);
  const writes = rows.filter((r) => r.kind === 'execute');
  const undoneByUs = new Set(
    (
      await rollbacksOf(
        db,
        writes.map((w) => w.id),
      )
    )
      .filter((r) => r.event === 'applied' || r.event === 'reconciled')
      .map((r) => r.rollbackOf),
  );
  const standing = writes.filter((w) => !undoneByUs.has(w.id)).sort((a, b) => a.seq - b.seq);
  const out = [];
  for (const w of standing) {
    const changes = await outsideChanges(ctx, db, {
      adAccountId: agent.adAccountId,
      currency: agent.currency,
      objectIds: [w.entityId],
      after: w.at,
    }).catch(() => []);
    out.push({
      logId: w.id,
      entityId: w.entityId,
      entityName: w.entityName,
      type: w.type,
      from: w.fromValue,
      to: w.toValue,
      changedBy: changes.at(-1)?.actor ?? null,
    });
  }
  return out;
}

/** A poll that ended in Meta refusing the token or a permission trips the switch (kind `token`). */
export async function checkPollError(
  ctx: AppContext,
  agent: AgentRow,
  error: AppError,
): Promise<FiredTrip | null> {
  if (agent.halted) return null;
  const config = agentConfigOf(agent);
  const metaCode = (error as { metaCode?: unknown }).metaCode;
  const trip = tokenTrip(config, {
    code: error.code,
    verdict: error.verdict,
    metaCode: typeof metaCode === 'number' ? metaCode : undefined,
  });
  if (!trip) return null;
  return fireTrips(ctx, agent, [trip], tripDay(ctx.clock.now().getTime(), agent.timezoneName));
}

/** After a confirmation ran: too many failed writes within the window trip the switch. */
export async function checkAfterWrites(ctx: AppContext, agentId: string): Promise<FiredTrip | null> {
  const { db } = await ctx.database();
  const [agent] = await db.select().from(agents).where(eq(agents.id, agentId));
  if (!agent || agent.halted) return null;
  const config = agentConfigOf(agent);
  if (!config.killSwitch.enabled) return null;
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - config.killSwitch.writeFailureWindowMinutes * 60_000);
  const failures = await failedWritesSince(db, agent.id, since);
  const trip = writeFailuresTrip(
    config,
    failures.map((d) => d.toISOString()),
    now.toISOString(),
  );
  if (!trip) return null;
  return fireTrips(ctx, agent, [trip], tripDay(now.getTime(), agent.timezoneName));
}
