import { isDecidable } from '../../domain/action-state.js';
import { writtenCount } from '../../domain/queue-state.js';
import { describeChange, entityLink, levelLabel } from './format.js';
import { ACTION_IDS, actionButtonValue } from './ids.js';
import { actions, button, context, divider, esc, header, mention, section, slackDate } from './kit.js';
import { type Block, clip, type SlackMessage } from './limits.js';
import type { QueueActionView, QueueView } from './types.js';

/**
 * Actions per queue message. Each takes at most two blocks and ~1 000 characters, so ten stay well
 * inside 50 blocks and the 12 000-character budget; a longer plan is split over several messages in the
 * same order, so the app can find an action's message with `queuePageOf`.
 */
export const QUEUE_ACTIONS_PER_MESSAGE = 10;
const WHY_MAX = 350;
const REASON_MAX = 150;
const NAME_MAX = 120;

/** The approval queue: one message per QUEUE_ACTIONS_PER_MESSAGE actions, buttons only while decidable. */
export function renderApprovalQueue(view: QueueView): SlackMessage[] {
  const pages: QueueActionView[][] = [];
  for (let i = 0; i < view.actions.length; i += QUEUE_ACTIONS_PER_MESSAGE) {
    pages.push(view.actions.slice(i, i + QUEUE_ACTIONS_PER_MESSAGE));
  }
  if (pages.length === 0) pages.push([]);
  return pages.map((page, i) => renderPage(view, page, i, pages.length));
}

/** Which message of renderApprovalQueue holds the action with this key (0-based), or -1. */
export function queuePageOf(view: Pick<QueueView, 'actions'>, key: string): number {
  const index = view.actions.findIndex((a) => a.key === key);
  return index === -1 ? -1 : Math.floor(index / QUEUE_ACTIONS_PER_MESSAGE);
}

function renderPage(view: QueueView, page: QueueActionView[], index: number, total: number): SlackMessage {
  const part = total > 1 ? ` (${index + 1}/${total})` : '';
  const blocks: Block[] = [
    header(`Approval queue${part}`),
    context(
      `Plan \`${esc(view.planId)}\` · ${esc(view.adAccountId)} · ${view.environment} · expires ${slackDate(view.expiresAt)}`,
    ),
  ];
  const note = stateNote(view);
  if (note) blocks.push(section(note));
  else if (index === 0) {
    blocks.push(
      context(
        'Reply in this thread with `APPROVE A1 A3`, `APPROVE ALL`, `REJECT A2 <reason>` or `CLEAR A1`, or use the buttons. ' +
          `Only approved actions are written, and only after an operator confirms \`execute-actions --confirm ${view.environment}\`.`,
      ),
    );
  }
  if (view.actions.length === 0) blocks.push(section('The plan has no actions: nothing to approve.'));
  blocks.push(divider());
  for (const action of page) {
    blocks.push(section(actionText(view, action, view.state !== 'active')));
    if (view.state === 'active' && isDecidable(action.status) && action.requiresApproval) {
      blocks.push(actions(`mb_action:${action.key}`, decisionButtons(view.planId, action)));
    }
  }
  const counts = countStatuses(view.actions);
  return {
    text: clip(
      `Approval queue for plan ${view.planId}${part}: ${counts}${note ? ` (${view.state})` : ''}`,
      3000,
    ),
    blocks,
  };
}

function stateNote(view: QueueView): string | null {
  switch (view.state) {
    case 'active':
      return null;
    case 'superseded': {
      const next = view.activePlan
        ? view.activePlan.permalink
          ? ` by <${view.activePlan.permalink}|plan \`${esc(view.activePlan.id)}\`> — see its thread`
          : ` by plan \`${esc(view.activePlan.id)}\``
        : '';
      return `:no_entry_sign: *Superseded*${next}. Decisions on this plan no longer count: decide on the active plan. The decisions below are kept for the record.`;
    }
    case 'executed':
      return `:white_check_mark: *Executed*. Its actions can no longer be decided; recent writes can be undone with \`rollback-actions --confirm ${view.environment}\`.`;
    case 'expired': {
      const written = writtenCount(view.actions.map((a) => a.status));
      const what =
        written === 0
          ? 'no action was written'
          : `${written} of ${view.actions.length} actions had been written; nothing more will be`;
      return `:hourglass: *Expired* at ${slackDate(view.expiresAt)} (${what}). The next run builds a fresh plan (or run \`plan-actions\`).`;
    }
  }
}

function actionText(view: QueueView, a: QueueActionView, closed: boolean): string {
  const entity = entityLink(view.adAccountId, { ...a.entity, name: clip(a.entity.name, NAME_MAX) });
  const grade = a.evidenceGrade ? ` _(${esc(clip(a.evidenceGrade, 60))})_` : '';
  return [
    `*${esc(a.key)}* · ${levelLabel(a.entity.level)} ${entity}`,
    `${describeChange(a.change, view.currency)}`,
    `>${esc(clip(a.why, WHY_MAX))}${grade}`,
    stateLine(a, closed),
  ].join('\n');
}

function stateLine(a: QueueActionView, closed: boolean): string {
  const d = a.decision;
  const by = d ? ` by ${mention(d.by)} ${slackDate(d.at)}` : '';
  const at = a.outcome?.at ? ` ${slackDate(a.outcome.at)}` : '';
  const detail = a.outcome?.detail ? `: ${esc(clip(a.outcome.detail, REASON_MAX))}` : '';
  switch (a.status) {
    case 'proposed':
      if (closed) return ':heavy_minus_sign: Not decided';
      return a.requiresApproval
        ? ':hourglass_flowing_sand: Awaiting approval'
        : ':ballot_box_with_check: Needs no approval';
    case 'approved':
      return `:white_check_mark: Approved${by}`;
    case 'rejected':
      return `:x: Rejected${by}${d?.reason ? `: ${esc(clip(d.reason, REASON_MAX))}` : ''}`;
    case 'executing':
      return ':gear: Executing…';
    case 'applied':
      return `:heavy_check_mark: Applied${at}${detail}`;
    case 'failed':
      return `:warning: Failed${at}${detail}`;
    case 'stale':
      return `:warning: Not applied: the object changed since the plan${detail}`;
    case 'unknown':
      return ':grey_question: Outcome unknown: being reconciled from live state, never retried blindly';
    case 'rolling_back':
      return ':leftwards_arrow_with_hook: Rolling back…';
    case 'rolled_back':
      return `:leftwards_arrow_with_hook: Rolled back${at}${detail}`;
  }
}

function decisionButtons(planId: string, a: QueueActionView): Record<string, unknown>[] {
  const value = actionButtonValue(planId, a.key);
  const approve = button(`Approve ${a.key}`, ACTION_IDS.approve, { style: 'primary', value });
  const reject = button(`Reject ${a.key}`, ACTION_IDS.reject, { style: 'danger', value });
  const undo = button('Undo decision', ACTION_IDS.clear, { value });
  if (a.status === 'approved') return [reject, undo];
  if (a.status === 'rejected') return [approve, undo];
  return [approve, reject];
}

function countStatuses(list: readonly QueueActionView[]): string {
  if (list.length === 0) return 'no actions';
  const counts = new Map<string, number>();
  for (const a of list) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts.entries()].map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ');
}
