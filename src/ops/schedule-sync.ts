import type { AppContext } from '../app/context.js';

/** An operator waits for the schedule at most this long; the halt itself is already stored. */
const SYNC_WAIT_MS = 3_000;

/**
 * Brings the agent's poll schedule in line with the change just committed. The database is the truth:
 * when Redis cannot be reached the change still stands (a halted agent is refused by the poll itself),
 * and the worker rebuilds every schedule from Postgres when it starts.
 */
export async function resyncPollSchedule(ctx: AppContext, agentId: string): Promise<void> {
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ctx.schedules().sync(agentId),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${SYNC_WAIT_MS} ms`)),
          SYNC_WAIT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (e) {
    ctx.logger.warn('poll schedule not updated now; the worker rebuilds it from the database at start', {
      agentId,
      error: (e as Error).message,
    });
  }
}
