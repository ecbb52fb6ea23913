import type { AppContext } from '../app/context.js';

/**
 * Brings the agent's poll schedule in line with the change just committed. The database is the truth:
 * when Redis cannot be reached the change still stands (a halted agent is refused by the poll itself),
 * and the worker rebuilds every schedule from Postgres when it starts.
 */
export async function resyncPollSchedule(ctx: AppContext, agentId: string): Promise<void> {
  try {
    await ctx.schedules().sync(agentId);
  } catch (e) {
    ctx.logger.warn('poll schedule not updated now; the worker rebuilds it from the database at start', {
      agentId,
      error: (e as Error).message,
    });
  }
}
