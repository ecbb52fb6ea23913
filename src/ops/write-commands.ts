import type { AppContext } from '../app/context.js';
import {
  type Confirmation,
  type ConfirmExecutionInput,
  confirmExecution,
  type ExecuteResult,
  nothingToDoResult,
} from './execute.js';
import type { WriteSeams } from './guarded-write.js';
import { type ConfirmRollbackInput, confirmRollback, type RollbackResult } from './rollback.js';
import { runConfirmation } from './run-confirmation.js';

export type ConfirmationRunner = (confirmationId: string) => Promise<ExecuteResult | RollbackResult>;

/**
 * What `execute-actions` and `rollback-actions` do: confirm, then run the confirmation at once in this
 * process (its outbox row is marked done when it finishes; had this process died, the row would be run
 * by the next drain or `reconcile`). Nothing to do is an ordinary outcome here, reported per action.
 */
export async function executeActions(
  ctx: AppContext,
  input: ConfirmExecutionInput & {
    seams?: WriteSeams;
    /** Told the confirmation before it runs (the CLI prints its id). */
    onConfirmed?: (c: Confirmation) => void;
    /** Runs the recorded confirmation; default: in this process. With REDIS_URL the CLI hands it to a worker. */
    runner?: ConfirmationRunner;
  },
): Promise<ExecuteResult> {
  let confirmation: Confirmation;
  try {
    confirmation = await confirmExecution(ctx, input);
  } catch (e) {
    const result = nothingToDoResult<ExecuteResult>(e);
    if (result) return result;
    throw e;
  }
  input.onConfirmed?.(confirmation);
  if (input.runner) return (await input.runner(confirmation.id)) as ExecuteResult;
  return (await runConfirmation(
    ctx,
    confirmation.id,
    input.seams ? { seams: input.seams } : {},
  )) as ExecuteResult;
}

export async function rollbackActions(
  ctx: AppContext,
  input: ConfirmRollbackInput & {
    seams?: WriteSeams;
    onConfirmed?: (c: Confirmation) => void;
    runner?: ConfirmationRunner;
  },
): Promise<RollbackResult> {
  let confirmation: Confirmation;
  try {
    confirmation = await confirmRollback(ctx, input);
  } catch (e) {
    const result = nothingToDoResult<RollbackResult>(e);
    if (result) return result;
    throw e;
  }
  input.onConfirmed?.(confirmation);
  if (input.runner) return (await input.runner(confirmation.id)) as RollbackResult;
  return (await runConfirmation(
    ctx,
    confirmation.id,
    input.seams ? { seams: input.seams } : {},
  )) as RollbackResult;
}
