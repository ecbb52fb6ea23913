import type { AppliedAction } from './history.js';
import type { Level } from './snapshot.js';

/** An entity MetaBuyer paused, and when: the input revive judges (the engine reads no log itself). */
export interface PausedByUs {
  entityId: string;
  level: Level;
  /** ISO time the pause took effect. */
  at: string;
}

/** How far back the action log is read for pauses worth reconsidering: the longest decision window. */
export const REVIVE_LOOKBACK_HOURS = 30 * 24;

/**
 * Entities whose latest status write by MetaBuyer (an applied action or a rollback) was a pause. A
 * pause later undone (rolled back, or re-activated through revive) no longer counts.
 */
export function pausedByUs(writes: readonly AppliedAction[]): PausedByUs[] {
  const latest = new Map<string, AppliedAction>();
  for (const w of writes) {
    if (w.type !== 'set_status' || !Number.isFinite(Date.parse(w.at))) continue;
    const seen = latest.get(w.entityId);
    if (!seen || Date.parse(w.at) >= Date.parse(seen.at)) latest.set(w.entityId, w);
  }
  return [...latest.values()]
    .filter((w) => w.to === 'PAUSED')
    .map((w) => ({ entityId: w.entityId, level: w.level, at: w.at }))
    .sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
}
