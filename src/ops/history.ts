import type { Db } from '../db/client.js';
import { writesSince } from '../db/repos/action-log.js';
import type { AppliedAction } from '../domain/history.js';
import { type PausedByUs, pausedByUs, REVIVE_LOOKBACK_HOURS } from '../domain/revive.js';

/** How far back the guardrails and the scale cooldown look. */
export const HISTORY_HOURS = 72;

/** The writes that took effect (applied actions and rollbacks), from the append-only log. */
export async function recentWrites(
  db: Db,
  agentId: string,
  now: Date,
  hours = HISTORY_HOURS,
): Promise<AppliedAction[]> {
  const rows = await writesSince(db, agentId, new Date(now.getTime() - hours * 3_600_000));
  return rows.map((r) => ({
    entityId: r.entityId,
    level: r.level,
    type: r.type,
    from: r.fromValue,
    to: r.toValue,
    at: r.at.toISOString(),
  }));
}

/** Entities MetaBuyer paused and nobody re-activated through it since: what revive reconsiders. */
export async function ourPauses(db: Db, agentId: string, now: Date): Promise<PausedByUs[]> {
  return pausedByUs(await recentWrites(db, agentId, now, REVIVE_LOOKBACK_HOURS));
}
