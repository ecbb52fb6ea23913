import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { AccountInfo, DailyRow, EntityMeta, Snapshot, WindowRow } from '../../domain/snapshot.js';
import type { Db } from '../client.js';
import { entitySnapshots, insightSnapshots, runs } from '../schema/index.js';
import { inChunks } from './rows.js';

export type RunRow = typeof runs.$inferSelect;

export async function startRun(
  db: Db,
  row: Pick<RunRow, 'id' | 'agentId' | 'trigger' | 'startedAt' | 'datePreset'>,
): Promise<RunRow> {
  const [out] = await db
    .insert(runs)
    .values({ ...row, status: 'running' })
    .returning();
  return out!;
}

export async function failRun(
  db: Db,
  id: string,
  error: { code: string; message: string },
  at: Date,
): Promise<void> {
  await db.update(runs).set({ status: 'failed', error, finishedAt: at }).where(eq(runs.id, id));
}

/**
 * Stores the snapshot and marks the run succeeded, in one transaction: a run is never half-stored.
 * `extra` runs inside the same transaction (the recommendations).
 */
export async function completeRun(
  db: Db,
  id: string,
  snapshot: Snapshot,
  summary: Record<string, unknown>,
  graphCalls: number | null,
  at: Date,
  extra: (tx: Db) => Promise<void>,
): Promise<void> {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await inChunks(snapshot.entities, 2000, (chunk) =>
      tx.insert(entitySnapshots).values(
        chunk.map((e) => ({
          runId: id,
          entityId: e.id,
          level: e.level,
          name: e.name,
          campaignId: e.campaignId,
          adsetId: e.adsetId,
          status: e.status,
          effectiveStatus: e.effectiveStatus,
          dailyBudget: e.dailyBudget,
          learningStage: e.learningStage,
          lastSignificantEditAt: e.lastSignificantEditAt ? new Date(e.lastSignificantEditAt) : null,
        })),
      ),
    );
    const insightRows = [
      ...snapshot.windowRows.map((r) => ({
        ...sums(r),
        runId: id,
        entityId: r.entityId,
        level: r.level,
        date: null,
      })),
      ...snapshot.dailyRows.map((r) => ({
        ...sums(r),
        runId: id,
        entityId: r.entityId,
        level: r.level,
        date: r.date,
      })),
    ];
    await inChunks(insightRows, 2000, (chunk) => tx.insert(insightSnapshots).values(chunk));
    await extra(tx);
    await tx
      .update(runs)
      .set({
        status: 'succeeded',
        finishedAt: at,
        windowSince: snapshot.window.since,
        windowUntil: snapshot.window.until,
        currency: snapshot.account.currency,
        account: {
          ...snapshot.account,
          takenAt: snapshot.takenAt,
          datePreset: snapshot.window.preset,
          ...(snapshot.metaToday ? { metaToday: snapshot.metaToday } : {}),
          ...(snapshot.metaNow ? { metaNow: snapshot.metaNow } : {}),
        },
        purchaseActionType: snapshot.purchaseActionType,
        summary,
        graphCalls,
      })
      .where(eq(runs.id, id));
  });
}

function sums(r: WindowRow | DailyRow) {
  return {
    spend: r.spend,
    impressions: r.impressions,
    reach: r.reach,
    clicks: r.clicks,
    linkClicks: r.linkClicks,
    purchases: r.purchases,
    purchaseValue: r.purchaseValue,
  };
}

/** Records the rules a run kept in shadow, and why (inside the run's completing transaction). */
export async function setRunShadow(db: Db, id: string, shadow: NonNullable<RunRow['shadow']>): Promise<void> {
  await db.update(runs).set({ shadow }).where(eq(runs.id, id));
}

export async function latestRun(
  db: Db,
  agentId: string,
  status?: RunRow['status'],
): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(status ? and(eq(runs.agentId, agentId), eq(runs.status, status)) : eq(runs.agentId, agentId))
    .orderBy(desc(runs.startedAt))
    .limit(1);
  return row;
}

export async function runById(db: Db, id: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  return row;
}

/** Rebuilds the exact Snapshot a run stored, so planning sees what the recommendations saw. */
export async function loadSnapshot(db: Db, run: RunRow): Promise<Snapshot> {
  const account = run.account as unknown as AccountInfo & {
    takenAt: string;
    datePreset: string;
    metaToday?: string;
    metaNow?: string;
  };
  const entityRows = await db
    .select()
    .from(entitySnapshots)
    .where(eq(entitySnapshots.runId, run.id))
    .orderBy(asc(entitySnapshots.entityId));
  const entities: EntityMeta[] = entityRows.map((e) => ({
    id: e.entityId,
    level: e.level,
    name: e.name,
    campaignId: e.campaignId,
    adsetId: e.adsetId,
    status: e.status as EntityMeta['status'],
    effectiveStatus: e.effectiveStatus,
    dailyBudget: e.dailyBudget,
    learningStage: e.learningStage as EntityMeta['learningStage'],
    lastSignificantEditAt: e.lastSignificantEditAt ? e.lastSignificantEditAt.toISOString() : null,
  }));
  const windowRows: WindowRow[] = [];
  const dailyRows: DailyRow[] = [];
  const rows = await db.select().from(insightSnapshots).where(eq(insightSnapshots.runId, run.id));
  for (const r of rows) {
    const base = {
      entityId: r.entityId,
      level: r.level,
      spend: r.spend,
      impressions: r.impressions,
      reach: r.reach,
      clicks: r.clicks,
      linkClicks: r.linkClicks,
      purchases: r.purchases,
      purchaseValue: r.purchaseValue,
    };
    if (r.date === null) windowRows.push(base);
    else dailyRows.push({ ...base, date: r.date });
  }
  const { takenAt, datePreset, metaToday, metaNow, ...accountInfo } = account;
  return {
    account: accountInfo,
    takenAt,
    ...(metaToday ? { metaToday } : {}),
    ...(metaNow ? { metaNow } : {}),
    window: { preset: datePreset, since: run.windowSince ?? '', until: run.windowUntil ?? '' },
    purchaseActionType: run.purchaseActionType ?? 'omni_purchase',
    entities,
    windowRows,
    dailyRows,
  };
}

export async function runsStillRunning(db: Db, agentId: string): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.agentId, agentId), eq(runs.status, 'running'), isNull(runs.finishedAt)));
}
