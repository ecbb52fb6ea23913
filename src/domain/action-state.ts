/**
 * The life of a plan action. Decisions move it between proposed, approved and rejected; only the
 * executor moves it on, and only from approved (or from proposed when no approval is required):
 *
 *   proposed → approved | rejected          (APPROVE / REJECT; CLEAR returns to proposed)
 *   approved | proposed(no approval needed) → executing → applied | failed | stale | unknown
 *   unknown → applied | failed              (reconciled by reading live state, never by retrying)
 *   failed is final for its plan: trying again takes a new run and plan (and a new approval)
 *   applied → rolling_back → rolled_back | applied (refused or failed: the write stands)
 *
 * `executing` and `rolling_back` carry the owner process; when it dies they are reconciled from live state.
 */
export const ACTION_STATUSES = [
  'proposed',
  'approved',
  'rejected',
  'executing',
  'applied',
  'failed',
  'stale',
  'unknown',
  'rolling_back',
  'rolled_back',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export type Decision = 'approve' | 'reject' | 'clear';

const DECIDABLE: readonly ActionStatus[] = ['proposed', 'approved', 'rejected'];

/** Statuses an action may be decided from; after execution starts, decisions no longer apply. */
export function isDecidable(status: ActionStatus): boolean {
  return DECIDABLE.includes(status);
}

export function statusAfterDecision(decision: Decision): ActionStatus {
  return decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'proposed';
}

export type ExecutionReadiness =
  | { ready: true }
  | {
      ready: false;
      reason: 'rejected' | 'approval_required' | 'already_executed' | 'already_failed' | 'in_progress';
    };

/** Whether the executor may take this action now, and if not, the reason reported to the operator. */
export function executionReadiness(status: ActionStatus, requiresApproval: boolean): ExecutionReadiness {
  switch (status) {
    case 'approved':
      return { ready: true };
    case 'proposed':
      return requiresApproval ? { ready: false, reason: 'approval_required' } : { ready: true };
    case 'rejected':
      return { ready: false, reason: 'rejected' };
    case 'executing':
    case 'rolling_back':
      return { ready: false, reason: 'in_progress' };
    // A failed write is never retried within its plan: the plan's from → to was judged on a snapshot
    // that is now older than the failure. The next run proposes it afresh, against live numbers.
    case 'failed':
      return { ready: false, reason: 'already_failed' };
    default:
      return { ready: false, reason: 'already_executed' };
  }
}

/** The statuses the executor claims an action from, atomically (compare-and-set). */
export function claimableStatuses(requiresApproval: boolean): ActionStatus[] {
  return requiresApproval ? ['approved'] : ['approved', 'proposed'];
}
