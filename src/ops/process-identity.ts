import os from 'node:os';
import type { AppContext } from '../app/context.js';
import { aliveOwners, heartbeat, pruneLeases, startLease, stopLease } from '../db/repos/process-leases.js';
import { newId } from '../lib/ids.js';

/**
 * This process, as the owner of the write-path work it claims (plan actions, confirmations, outbox rows).
 * Registered in `process_leases` on first use and kept alive by a heartbeat; when the process dies the
 * heartbeat stops and, after the lease (config.writePath.leaseMs), its claims may be reconciled by others.
 */
export interface ProcessIdentity {
  readonly id: string;
  readonly leaseMs: number;
  /** Confirmations this process is running right now (a runner that is this process but not in here stopped). */
  readonly running: Set<string>;
  /** Whether the process owning a claim is alive. This process counts as alive. */
  isAlive(owner: string | null): Promise<boolean>;
  stop(): Promise<void>;
}

const identities = new WeakMap<AppContext, Promise<ProcessIdentity>>();

export function processIdentity(ctx: AppContext, role = 'metabuyer'): Promise<ProcessIdentity> {
  let found = identities.get(ctx);
  if (!found) {
    found = register(ctx, role);
    identities.set(ctx, found);
    found.catch(() => identities.delete(ctx));
  }
  return found;
}

/** Marks this context's process as stopped (graceful shutdown): its claims are free at once. */
export async function stopProcessIdentity(ctx: AppContext): Promise<void> {
  const found = identities.get(ctx);
  identities.delete(ctx);
  if (found) await (await found).stop();
}

async function register(ctx: AppContext, role: string): Promise<ProcessIdentity> {
  const { db } = await ctx.database();
  const { leaseMs, heartbeatMs } = ctx.config.writePath;
  const id = newId('proc');
  await pruneLeases(db).catch(() => {});
  await startLease(db, { id, host: os.hostname().slice(0, 200), pid: process.pid, role });
  const timer = setInterval(() => {
    heartbeat(db, id).catch((e: unknown) =>
      ctx.logger.debug('process heartbeat failed', { error: e instanceof Error ? e.message : String(e) }),
    );
  }, heartbeatMs);
  // The heartbeat never keeps a finished command alive.
  timer.unref();
  return {
    id,
    leaseMs,
    running: new Set(),
    async isAlive(owner) {
      if (owner === null) return false;
      if (owner === id) return true;
      return (await aliveOwners(db, [owner], leaseMs)).has(owner);
    },
    async stop() {
      clearInterval(timer);
      await stopLease(db, id).catch(() => {});
    },
  };
}
