import { and, asc, desc, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { type ActionLogRow, rollbacksOf, writesSince } from '../db/repos/action-log.js';
import { type AgentRow, agentById, allAgents } from '../db/repos/agents.js';
import { enqueueOutbox } from '../db/repos/outbox.js';
import { loadSnapshot, type RunRow } from '../db/repos/runs.js';
import { actionFollowups, actionLog, runs } from '../db/schema/index.js';
import {
  type DayFigures,
  estimateOutcome,
  HORIZONS,
  type Horizon,
  horizonHours,
  type OutcomeEstimate,
  type OutcomeMetric,
  outcomeWindow,
} from '../domain/outcome.js';
import { type OutcomeSubject, outcomeSubjects } from '../domain/outcome-subjects.js';
import type { FollowupSummary } from '../domain/outcome-text.js';
import type { Snapshot } from '../domain/snapshot.js';
import { newId } from '../lib/ids.js';
import { agentConfigOf } from './agent-config.js';
import { crashIfAt } from './crash-points.js';

export type FollowupRow = typeof actionFollowups.$inferSelect;

/** The outbox topic whose rows post a follow-up's verdict in its plan's thread (payload `{v: 1, followupId}`). */
export const FOLLOWUP_TOPIC = 'slack.followup' as const;

/** Writes older than this get no follow-ups when first seen: the last horizon and a day of slack. */
const LOOKBACK_MS = (168 + 24) * 3_600_000;

/** One measured subject of a follow-up: who, and what the estimate said. */
export interface FollowupSubjectDetail {
  role: OutcomeSubject['role'];
  id: string;
  level: OutcomeSubject['level'];
  name: string;
  estimate: OutcomeEstimate;
}

export interface FollowupDetail {
  metric: OutcomeMetric;
  writeDate: string;
  /** The first subject decides the verdict; the account (after a pause) is shown beside it. */
  subjects: FollowupSubjectDetail[];
  /** The run's Meta clock when judged. */
  dataNow: string;
}

/**
 * Creates the follow-ups (24 h, 72 h, 7 days) of every applied write of the agent that has none yet.
 * Idempotent: the unique (action_log_id, horizon) index makes a second call (or a concurrent sweeper)
 * record nothing.
 */
export async function ensureFollowups(db: Db, agentId: string, now: Date): Promise<number> {
  const writes = await db
    .select({ id: actionLog.id, at: actionLog.at })
    .from(actionLog)
    .leftJoin(actionFollowups, eq(actionFollowups.actionLogId, actionLog.id))
    .where(
      and(
        eq(actionLog.agentId, agentId),
        eq(actionLog.kind, 'execute'),
        inArray(actionLog.event, ['applied', 'reconciled']),
        gte(actionLog.at, new Date(now.getTime() - LOOKBACK_MS)),
        isNull(actionFollowups.id),
      ),
    );
  if (writes.length === 0) return 0;
  const rows = writes.flatMap((w) =>
    HORIZONS.map((h) => ({
      id: newId('fu', now.getTime()),
      agentId,
      actionLogId: w.id,
      horizon: h.id,
      dueAt: new Date(w.at.getTime() + h.hours * 3_600_000),
      status: 'due' as const,
      createdAt: now,
    })),
  );
  const inserted = await db
    .insert(actionFollowups)
    .values(rows)
    .onConflictDoNothing({ target: [actionFollowups.actionLogId, actionFollowups.horizon] })
    .returning({ id: actionFollowups.id });
  return inserted.length;
}

export async function followupsOf(db: Db, logIds: string[]): Promise<FollowupRow[]> {
  if (logIds.length === 0) return [];
  return db
    .select()
    .from(actionFollowups)
    .where(inArray(actionFollowups.actionLogId, logIds))
    .orderBy(asc(actionFollowups.dueAt));
}

export async function followupById(db: Db, id: string): Promise<FollowupRow | undefined> {
  const [row] = await db.select().from(actionFollowups).where(eq(actionFollowups.id, id));
  return row;
}

/** A stored follow-up as the summary the CLI and Slack render. */
export function summaryOf(row: FollowupRow): FollowupSummary | null {
  if (row.status !== 'done' || !row.verdict) return null;
  const detail = row.detail as unknown as FollowupDetail | null;
  const first = detail?.subjects[0];
  return {
    horizon: row.horizon,
    verdict: row.verdict,
    reason: (row.reason as FollowupSummary['reason']) ?? null,
    metric: detail?.metric ?? 'cpa',
    basis: first?.estimate.basis ?? 'did',
    subjectRole: first?.role ?? 'entity',
    change: row.change ? row.change.value : null,
    interval: row.change ? { low: row.change.low, high: row.change.high } : null,
    moneyMinor: row.moneyMinor,
  };
}

async function newestSucceededRun(db: Db, agentId: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.agentId, agentId), eq(runs.status, 'succeeded')))
    .orderBy(desc(runs.startedAt))
    .limit(1);
  return row;
}

/** Per-date figures of one entity, or of the account (campaign rows summed). */
function figuresOf(snapshot: Snapshot, id: string, isAccount: boolean): DayFigures[] {
  const byDate = new Map<string, DayFigures>();
  for (const r of snapshot.dailyRows) {
    if (isAccount ? r.level !== 'campaign' : r.entityId !== id) continue;
    const d = byDate.get(r.date) ?? { date: r.date, spend: 0, purchases: 0, purchaseValue: 0 };
    d.spend += r.spend;
    d.purchases += r.purchases;
    d.purchaseValue += r.purchaseValue;
    byDate.set(r.date, d);
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * Judges one follow-up on a stored snapshot: pure apart from the inputs it is handed. `touched` are the
 * entity ids our writes changed around the period (they are no peers).
 */
export function judgeFollowup(input: {
  write: ActionLogRow;
  horizon: Horizon;
  snapshot: Snapshot;
  takenAt: Date;
  agent: AgentRow;
  touched: string[];
}): FollowupDetail {
  const { write, snapshot, agent } = input;
  const config = agentConfigOf(agent);
  const metric: OutcomeMetric = config.targetCpaMinor === null && config.targetRoas !== null ? 'roas' : 'cpa';
  const dataNowMs = Date.parse(snapshot.metaNow ?? snapshot.takenAt);
  // The write happened on our clock; Meta's clock may differ from ours by what it did at the run.
  const writeMs = write.at.getTime() + (dataNowMs - input.takenAt.getTime());
  const window = outcomeWindow({
    writeMs,
    horizonHours: horizonHours(input.horizon),
    nowMs: dataNowMs,
    timeZone: snapshot.account.timezone,
    lag: config.conversionLag,
  });
  const subjects = outcomeSubjects(
    {
      type: write.type,
      level: write.level,
      entityId: write.entityId,
      entityName: write.entityName,
      to: write.toValue,
    },
    { id: snapshot.account.id, name: snapshot.account.name },
    snapshot.entities,
    input.touched,
  );
  return {
    metric,
    writeDate: window.writeDate,
    dataNow: new Date(dataNowMs).toISOString(),
    subjects: subjects.map((s) => ({
      role: s.role,
      id: s.id,
      level: s.level,
      name: s.name,
      estimate: estimateOutcome({
        metric,
        window,
        subject: figuresOf(snapshot, s.id, s.role === 'account'),
        peers: s.peers.map((p) => figuresOf(snapshot, p, false)),
        confidence: config.confidenceLevel,
      }),
    })),
  };
}

/** How long after a day its last purchases arrive, by the agent's conversion-lag profile. */
function maxLagHours(agent: AgentRow): number {
  return agentConfigOf(agent).conversionLag.reduce((m, p) => Math.max(m, p.hours), 0);
}

export interface SweepResult {
  created: number;
  evaluated: Array<{ id: string; actionLogId: string; horizon: Horizon; verdict: string; posted: boolean }>;
  /** Due follow-ups waiting for a poll taken after their horizon, or for their days to mature. */
  waiting: number;
}

/**
 * The follow-up sweep (the worker's repeatable job; run-now in embedded mode): creates missing
 * follow-ups, then judges every due one whose agent has a run taken after the horizon, on that run's
 * snapshot. Each verdict is recorded with its Slack post (outbox, topic slack.followup) in one transaction
 * that only matches a row still due: judged twice (two workers, a crash between judging and recording),
 * a follow-up is recorded and posted once.
 */
export async function sweepFollowups(ctx: AppContext, opts: { agentId?: string } = {}): Promise<SweepResult> {
  const { db } = await ctx.database();
  const now = ctx.clock.now();
  const agents = opts.agentId
    ? [await agentById(db, opts.agentId)].filter((a): a is AgentRow => !!a)
    : await allAgents(db);
  const result: SweepResult = { created: 0, evaluated: [], waiting: 0 };
  for (const agent of agents) {
    result.created += await ensureFollowups(db, agent.id, now);
    const due = await db
      .select()
      .from(actionFollowups)
      .where(
        and(
          eq(actionFollowups.agentId, agent.id),
          eq(actionFollowups.status, 'due'),
          lte(actionFollowups.dueAt, now),
        ),
      )
      .orderBy(asc(actionFollowups.dueAt));
    if (due.length === 0) continue;
    const run = await newestSucceededRun(db, agent.id);
    const ready = due.filter((f) => run && run.startedAt.getTime() >= f.dueAt.getTime());
    result.waiting += due.length - ready.length;
    if (!run || ready.length === 0) continue;
    const snapshot = await loadSnapshot(db, run);
    const logs = await db
      .select()
      .from(actionLog)
      .where(inArray(actionLog.id, [...new Set(ready.map((f) => f.actionLogId))]));
    const logById = new Map(logs.map((l) => [l.id, l]));
    const undone = new Set(
      (
        await rollbacksOf(
          db,
          logs.map((l) => l.id),
        )
      )
        .filter((r) => r.event === 'applied' || r.event === 'reconciled')
        .map((r) => r.rollbackOf),
    );
    const earliest = logs.reduce((m, l) => Math.min(m, l.at.getTime()), now.getTime());
    const touchedRows = await writesSince(db, agent.id, new Date(earliest - 8 * 86_400_000));
    for (const f of ready) {
      const write = logById.get(f.actionLogId);
      if (!write) continue;
      const touched = touchedRows.filter((t) => t.id !== write.id).map((t) => t.entityId);
      const detail = judgeFollowup({
        write,
        horizon: f.horizon,
        snapshot,
        takenAt: run.startedAt,
        agent,
        touched,
      });
      await crashIfAt(ctx.config.writePath.crashAt, 'followup_after_evaluate');
      const rolledBack = undone.has(write.id);
      const primary = detail.subjects[0]!.estimate;
      // A 72 h or 7-day follow-up whose days after the write have not matured yet waits for them (up to
      // the account's lag plus a day past its due time) rather than closing "not matured": its verdict
      // would otherwise always be inconclusive under the default 72 h lag. The 24 h one is an early note.
      if (!rolledBack && primary.reason === 'not_matured' && f.horizon !== '24h') {
        const waitMs = (maxLagHours(agent) + 24) * 3_600_000;
        if (run.startedAt.getTime() < f.dueAt.getTime() + waitMs) {
          result.waiting++;
          continue;
        }
      }
      const verdict = rolledBack ? 'inconclusive' : primary.verdict;
      const recorded = await record(db, f, {
        verdict,
        reason: rolledBack ? 'rolled_back' : primary.reason,
        change:
          rolledBack || primary.change === null || primary.interval === null
            ? null
            : { value: primary.change, ...primary.interval },
        moneyMinor: rolledBack ? null : primary.moneyMinor,
        currency: agent.currency,
        detail: detail as unknown as Record<string, unknown>,
        runId: run.id,
        now: ctx.clock.now(),
        // Posted where the plan was discussed, by a worker: embedded mode (no Redis) has none, and a
        // verdict queued there would be posted stale, days later, once a worker first runs.
        post: write.planId !== null && ctx.config.redisUrl !== undefined,
      });
      if (recorded) {
        result.evaluated.push({
          id: f.id,
          actionLogId: f.actionLogId,
          horizon: f.horizon,
          verdict,
          posted: write.planId !== null && ctx.config.redisUrl !== undefined,
        });
        ctx.logger.info('follow-up judged', {
          followup_id: f.id,
          action_log_id: f.actionLogId,
          horizon: f.horizon,
          verdict,
        });
      }
    }
  }
  return result;
}

/** Records a verdict and its post in one transaction, only if the follow-up is still due. */
async function record(
  db: Db,
  f: FollowupRow,
  v: {
    verdict: 'helped' | 'hurt' | 'inconclusive';
    reason: string | null;
    change: { value: number; low: number; high: number } | null;
    moneyMinor: number | null;
    currency: string;
    detail: Record<string, unknown>;
    runId: string;
    now: Date;
    post: boolean;
  },
): Promise<boolean> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [done] = await tx
      .update(actionFollowups)
      .set({
        status: 'done',
        verdict: v.verdict,
        reason: v.reason,
        change: v.change,
        moneyMinor: v.moneyMinor,
        currency: v.currency,
        detail: v.detail,
        runId: v.runId,
        evaluatedAt: v.now,
      })
      .where(and(eq(actionFollowups.id, f.id), eq(actionFollowups.status, 'due')))
      .returning({ id: actionFollowups.id });
    if (!done) return false;
    if (v.post) {
      await enqueueOutbox(tx, {
        id: newId('obx', v.now.getTime()),
        topic: FOLLOWUP_TOPIC,
        dedupeKey: `followup:${f.id}`,
        payload: { v: 1, followupId: f.id },
        now: v.now,
      });
    }
    return true;
  });
}

/** Days shown in a follow-up's detail, for the text front door: "before 13–19 Nov, after 21–22 Nov". */
export function periodWords(d: FollowupSubjectDetail): string {
  const { before, after } = d.estimate.days;
  const span = (xs: string[]) =>
    xs.length === 0 ? 'none' : xs.length === 1 ? xs[0]! : `${xs[0]}…${xs.at(-1)}`;
  return `before ${span(before)}, after ${span(after)}`;
}

/**
 * After a run (embedded mode's run-now): judges the agent's due follow-ups on it. A failure here is
 * logged and never fails the run that was already stored.
 */
export async function sweepFollowupsAfterRun(ctx: AppContext, runId: string): Promise<SweepResult | null> {
  try {
    const { db } = await ctx.database();
    const [run] = await db.select({ agentId: runs.agentId }).from(runs).where(eq(runs.id, runId));
    return run ? await sweepFollowups(ctx, { agentId: run.agentId }) : null;
  } catch (e) {
    ctx.logger.warn('follow-ups not judged after the run', {
      run_id: runId,
      error: ctx.redactor.string((e as Error).message),
    });
    return null;
  }
}
