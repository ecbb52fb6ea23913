/**
 * The port through which operator commands keep poll schedules in step with Postgres. Ops call
 * `ctx.schedules().sync(agentId)` after a change that affects polling commits (setup, pause-agent,
 * resume-agent); the worker calls `syncAll()` at every start. With REDIS_URL it is backed by BullMQ job
 * schedulers (src/jobs/poll-schedules.ts); without, there is nothing to schedule and it does nothing.
 * Kept free of BullMQ imports so every command can depend on it cheaply.
 */
export interface PollScheduleState {
  agentId: string;
  /** True when the agent has a live schedule after the sync. */
  scheduled: boolean;
  /** The next poll, as the scheduler has it; null when not scheduled. */
  nextRunAt: Date | null;
  /** Why it is not scheduled. */
  reason?: 'halted' | 'disabled' | 'not_found' | 'no_queue';
}

export interface ScheduleSync {
  /** Upserts (enabled, not halted) or removes (otherwise) the agent's one poll schedule. */
  sync(agentId: string): Promise<PollScheduleState>;
  /** Rebuilds every schedule from Postgres and removes schedules of agents that no longer qualify. */
  syncAll(): Promise<{ scheduled: number; removed: number }>;
  close(): Promise<void>;
}

/** Without Redis there are no queues: polls run when someone types run-now (or cron does). */
export const noSchedules: ScheduleSync = {
  sync: async (agentId) => ({ agentId, scheduled: false, nextRunAt: null, reason: 'no_queue' }),
  syncAll: async () => ({ scheduled: 0, removed: 0 }),
  close: async () => {},
};
