import type { AgentConfig } from '../agent-config.js';
import type { DailyPoint } from '../daily-series.js';
import type { EntityIndex } from '../hierarchy.js';
import type { HistoryIndex } from '../history.js';
import type { Maturity } from '../maturity.js';
import type { ExcludedDelivery } from '../recommendation.js';
import type { DeliverySums, EntityMeta, Snapshot } from '../snapshot.js';

/** What every rule reads. Built once per run by recommend(); rules never see raw rows. */
export interface RuleContext {
  snapshot: Snapshot;
  config: AgentConfig;
  currency: string;
  /** The engine's now (ms): cooldowns and holds are measured to it. */
  nowMs: number;
  /** The newest complete day in the account's time zone, as of the snapshot. */
  lastCompleteDay: string;
  entities: EntityIndex;
  history: HistoryIndex;
  /** Decision-window sums as Meta reported them for this entity (zero when it had no row). */
  windowSums(entityId: string): DeliverySums;
  /**
   * Decision-window sums of the part of an entity that is still delivering: its own sums minus those of
   * paused (or otherwise non-delivering) children. Conversion rules judge what will keep spending.
   */
  liveSums(entity: EntityMeta): { sums: DeliverySums; excluded: ExcludedDelivery | null };
  /** How far the entity's window purchases have matured (maturity.ts); rules allow for the rest. */
  maturity(entity: EntityMeta): Maturity;
  /** The reported fraction of a day's purchases (1 once mature), for single-day rules. */
  dayReported(date: string): number;
  /** Complete days ending yesterday, oldest first, zero-filled. Campaign and ad set levels only. */
  dailySeries(entityId: string, days: number): DailyPoint[];
  /** The account's complete days ending yesterday, oldest first. */
  accountSeries(days: number): DailyPoint[];
}
