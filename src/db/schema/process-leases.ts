import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './_columns.js';

/**
 * Every process that may claim work on the write path (a CLI run, a worker), with its heartbeat. Written
 * by the process itself (start, a heartbeat every few seconds, stop). Invariant: a process is alive while
 * `stopped_at` is null and `heartbeat_at` is younger than the lease (database time, so hosts' clocks do not
 * matter); the claims of a dead process (plan actions, confirmations, outbox rows) may be reconciled.
 */
export const processLeases = pgTable(
  'process_leases',
  {
    id: text('id').primaryKey(),
    host: text('host').notNull(),
    pid: integer('pid').notNull(),
    /** What the process is (cli command, worker). For operators reading the table. */
    role: text('role').notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    heartbeatAt: ts('heartbeat_at').notNull().defaultNow(),
    stoppedAt: ts('stopped_at'),
  },
  (t) => [index('process_leases_oldest_heartbeat_first').on(t.heartbeatAt)],
);
