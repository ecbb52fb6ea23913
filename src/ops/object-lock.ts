import type { AppContext } from '../app/context.js';
import { AppError } from '../lib/errors.js';

/**
 * One writer per Meta object at a time. Within a process, writers of one object queue on a promise chain;
 * on PostgreSQL, across processes, the holder also takes a session advisory lock on a reserved connection
 * (released on unlock, and by the server when the process dies and its connection drops — a killed
 * writer never leaves an object locked). Embedded PGlite serves one process only, so the in-process
 * queue is the whole lock there.
 *
 * Two actions on one object therefore never interleave: the second re-reads the object live once the
 * first is done, and is refused as stale when the first changed it.
 */
const LOCK_NAMESPACE = 727274002;
const LOCK_WAIT = '120s';

const queues = new Map<string, Promise<unknown>>();

interface ReservedSql {
  (strings: TemplateStringsArray, ...values: unknown[]): Promise<unknown>;
  unsafe(query: string): Promise<unknown>;
  release(): void;
}
interface PostgresSql {
  reserve(): Promise<ReservedSql>;
}

export async function withObjectLock<T>(ctx: AppContext, objectId: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(objectId) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const chained = previous.then(() => mine);
  queues.set(objectId, chained);
  await previous.catch(() => {});
  try {
    return await withDatabaseLock(ctx, objectId, fn);
  } finally {
    done();
    if (queues.get(objectId) === chained) queues.delete(objectId);
  }
}

async function withDatabaseLock<T>(ctx: AppContext, objectId: string, fn: () => Promise<T>): Promise<T> {
  const database = await ctx.database();
  if (database.kind !== 'postgres') return fn();
  const client = (database.db as unknown as { $client: PostgresSql }).$client;
  const reserved = await client.reserve();
  try {
    await reserved.unsafe(`set lock_timeout = '${LOCK_WAIT}'`);
    try {
      await reserved`select pg_advisory_lock(${LOCK_NAMESPACE}, hashtext(${objectId}))`;
    } catch (e) {
      throw new AppError({
        code: 'object_busy',
        verdict: 'retry',
        message: `Another write to object ${objectId} has held it for over ${LOCK_WAIT}; nothing was written to it. Try again later.`,
        cause: e,
      });
    }
    try {
      return await fn();
    } finally {
      await reserved`select pg_advisory_unlock(${LOCK_NAMESPACE}, hashtext(${objectId}))`.catch(() => {});
    }
  } finally {
    // The connection goes back to the pool: leave no session setting behind.
    await reserved.unsafe('reset lock_timeout').catch(() => {});
    reserved.release();
  }
}
