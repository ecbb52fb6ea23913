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
  return (await runConfirmation(
    ctx,
    confirmation.id,
    input.seams ? { seams: input.seams } : {},
  )) as ExecuteResult;
}

export async function rollbackActions(
  ctx: AppContext,
  input: ConfirmRollbackInput & { seams?: WriteSeams; onConfirmed?: (c: Confirmation) => void },
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
  return (await runConfirmation(
    ctx,
    confirmation.id,
    input.seams ? { seams: input.seams } : {},
  )) as RollbackResult;
}
