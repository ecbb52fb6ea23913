/**
 * The write path's public surface, for the front doors (CLI, Slack modal) and the worker's queues:
 *
 * 1. `confirmExecution` / `confirmRollback` — every refusal check, then ONE transaction recording the
 *    confirmation with its exact targets and an outbox row (topic `execute` | `rollback`, dedupe key = the
 *    confirmation id, payload `{v: 1, confirmationId}`). Writes nothing to Meta. Refusals are AppErrors
 *    (`not_permitted` with verdict `permission`, `confirm_mismatch`, `execution_disabled`, `agent_halted`,
 *    `plan_not_active`, `plan_expired`, `no_plan`, `nothing_to_do` with details.result).
 * 2. `runConfirmation(ctx, id, {seams?})` — runs exactly those targets; idempotent across calls and
 *    processes; returns the stored ExecuteResult / RollbackResult (discriminated by `kind`).
 * 3. Outbox: `claimOutbox`, `markOutboxDone`, `markOutboxFailed`, `pendingOutbox` (the BullMQ relay);
 *    `drainOutbox(ctx, writeHandlers(ctx))` runs it in-process when there is no Redis. A claim's owner is a
 *    `processIdentity(ctx).id`; its lease is that process's heartbeat.
 * 4. `reconcile(ctx)` — settles writes whose owner died from live state and reopens their confirmations
 *    (and drains them without Redis).
 */
export {
  claimOutbox,
  markOutboxDone,
  markOutboxFailed,
  type OutboxRow,
  type OutboxTopic,
  pendingOutbox,
} from '../db/repos/outbox.js';
export {
  type Confirmation,
  type ConfirmExecutionInput,
  confirmExecution,
  type ExecuteResult,
} from './execute.js';
export type { WriteSeams } from './guarded-write.js';
export {
  confirmationJobSchema,
  type DrainResult,
  drainOutbox,
  type OutboxHandlers,
  writeHandlers,
} from './outbox-runner.js';
export { type ProcessIdentity, processIdentity, stopProcessIdentity } from './process-identity.js';
export { type ReconcileResult, reconcile } from './reconcile.js';
export { type ConfirmRollbackInput, confirmRollback, type RollbackResult } from './rollback.js';
export { isExecuteResult, type RunConfirmationOptions, runConfirmation } from './run-confirmation.js';
