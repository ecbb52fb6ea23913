/**
 * What an approval-queue message shows about its plan, and when a message already in Slack must be
 * re-rendered. Pure: the plan's status and expiry, its actions' statuses and the time are inputs.
 *
 * A plan is `executed` once every action is settled or rejected and at least one was written or tried;
 * otherwise `superseded` once a newer plan replaced it; otherwise `expired` past its expiry; else `active`.
 * A message's shown state only moves forward (open → expired → superseded → executed): an expired plan
 * later superseded points at its successor, and nothing reopens a closed message.
 */
import type { ActionStatus } from './action-state.js';

export type QueueState = 'active' | 'superseded' | 'executed' | 'expired';
/** What a queue message shows: `open` (with buttons) while its plan is active. */
export type ShownQueueState = 'open' | 'expired' | 'superseded' | 'executed';

/** Statuses after which an action's fate is settled (written, refused, or being reconciled). */
const SETTLED: ReadonlySet<ActionStatus> = new Set(['applied', 'failed', 'stale', 'unknown', 'rolled_back']);
/** Statuses of an action that reached Meta (or may have): the plan wrote something. */
const WRITTEN: ReadonlySet<ActionStatus> = new Set([
  'executing',
  'applied',
  'unknown',
  'rolling_back',
  'rolled_back',
]);

export function isSettled(status: ActionStatus): boolean {
  return SETTLED.has(status);
}

export function queueStateOf(
  plan: { status: 'active' | 'superseded'; expiresAt: Date },
  actions: readonly ActionStatus[],
  now: Date,
): QueueState {
  if (
    actions.length > 0 &&
    actions.every((s) => SETTLED.has(s) || s === 'rejected') &&
    actions.some((s) => SETTLED.has(s))
  )
    return 'executed';
  if (plan.status === 'superseded') return 'superseded';
  if (plan.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** How many of a plan's actions were written (or may have been) to Meta. */
export function writtenCount(actions: readonly ActionStatus[]): number {
  return actions.filter((s) => WRITTEN.has(s)).length;
}

const RANK: Record<ShownQueueState, number> = { open: 0, expired: 1, superseded: 2, executed: 3 };

export function shownStateOf(state: QueueState): ShownQueueState {
  return state === 'active' ? 'open' : state;
}

/**
 * Whether a message showing `shown` (null: never recorded, i.e. open) must be updated to show `state`:
 * only forward, so a retried job, a second worker or a second sweep finds nothing to do.
 */
export function needsUpdate(shown: ShownQueueState | null, state: QueueState): boolean {
  return RANK[shownStateOf(state)] > RANK[shown ?? 'open'];
}
