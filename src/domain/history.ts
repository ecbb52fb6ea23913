import type { ActionType } from './recommendation.js';
import type { Level } from './snapshot.js';

/**
 * A write that took effect on Meta: an applied action or a rollback (a rollback is a write too, and
 * counts toward cooldowns and Meta's budget-change limit). The action log is the source; the caller
 * passes every entry younger than the longest window it cares about (72 h is enough by default).
 */
export interface AppliedAction {
  entityId: string;
  level: Level;
  type: ActionType;
  /** A status for set_status; minor units for update_daily_budget. */
  from: string | number;
  to: string | number;
  /** ISO time the write took effect. */
  at: string;
}

export const HOUR_MS = 3_600_000;

interface TimedWrite {
  ms: number;
  write: AppliedAction;
}

/** Writes grouped by entity, oldest first; entries with an unreadable time are dropped. */
export interface HistoryIndex {
  writesTo(entityId: string): readonly TimedWrite[];
}

export function indexHistory(history: readonly AppliedAction[]): HistoryIndex {
  const byEntity = new Map<string, TimedWrite[]>();
  for (const write of history) {
    const ms = Date.parse(write.at);
    if (!Number.isFinite(ms)) continue;
    let list = byEntity.get(write.entityId);
    if (!list) {
      list = [];
      byEntity.set(write.entityId, list);
    }
    list.push({ ms, write });
  }
  for (const list of byEntity.values()) list.sort((a, b) => a.ms - b.ms);
  return { writesTo: (id) => byEntity.get(id) ?? [] };
}

const isIncrease = (w: AppliedAction) =>
  w.type === 'update_daily_budget' && typeof w.from === 'number' && typeof w.to === 'number' && w.to > w.from;

/** Time (ms) of the newest write to an entity, or null. A write stamped in the future counts as now. */
export function lastWriteMs(index: HistoryIndex, entityId: string): number | null {
  const writes = index.writesTo(entityId);
  return writes.length > 0 ? writes[writes.length - 1]!.ms : null;
}

/** Time (ms) of the newest budget increase on an entity, or null. */
export function lastIncreaseMs(index: HistoryIndex, entityId: string): number | null {
  const writes = index.writesTo(entityId);
  for (let i = writes.length - 1; i >= 0; i--) if (isIncrease(writes[i]!.write)) return writes[i]!.ms;
  return null;
}

/** Budget changes to an entity in the hour before `nowMs` (and any stamped after it). */
export function budgetChangesInLastHour(index: HistoryIndex, entityId: string, nowMs: number): number {
  return index
    .writesTo(entityId)
    .filter((w) => w.write.type === 'update_daily_budget' && w.ms > nowMs - HOUR_MS).length;
}
