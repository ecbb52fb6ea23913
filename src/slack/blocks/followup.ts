import { type FollowupSummary, followupSentence, signedPct } from '../../domain/outcome-text.js';
import { ACTION_IDS } from './ids.js';
import { actions, button, context, esc, section } from './kit.js';
import type { Block } from './limits.js';

/** What a follow-up message says: the write, the verdict, the days it rests on, and whether it can be undone. */
export interface FollowupMessageView {
  /** "A1 pause ad set Broad US" */
  label: string;
  summary: FollowupSummary;
  currency: string;
  /** Matured days judged (first…last), and how many untouched peers were compared. */
  before: string[];
  after: string[];
  peers: number;
  /** After a pause: the account's own change (before vs after), shown beside the parent's. */
  account: { change: number; metric: 'cpa' | 'roas' } | null;
  /** Set when the verdict is hurt and the write is still inside the rollback window and not undone. */
  rollbackLogId: string | null;
}

const ICON: Record<string, string> = {
  helped: ':white_check_mark:',
  hurt: ':warning:',
  inconclusive: ':grey_question:',
};

function span(days: string[]): string {
  if (days.length === 0) return 'none';
  return days.length === 1 ? days[0]! : `${days[0]} → ${days.at(-1)} (${days.length} days)`;
}

/**
 * A follow-up's verdict as a reply in its plan's thread: one line a media buyer reads at a glance
 * ("A1 pause ad set X: hurt at 72 h — parent CPA +18 % (interval +6 %…+31 %) vs peers, ≈ $240 lost"),
 * the matured days and peers it rests on, and a Roll back button when it hurt and can still be undone
 * (the button opens the rollback confirmation modal for that one write). Names are escaped.
 */
export function renderFollowup(view: FollowupMessageView): { text: string; blocks: Block[] } {
  const sentence = followupSentence(view.summary, view.currency);
  const text = `${view.label}: ${sentence}`;
  const facts = [
    `Matured days only — before ${span(view.before)}, after ${span(view.after)}`,
    view.summary.basis === 'did' ? `${view.peers} untouched peer${view.peers === 1 ? '' : 's'}` : 'no peers',
    ...(view.account
      ? [
          `account ${view.account.metric === 'cpa' ? 'CPA' : 'ROAS'} ${signedPct(view.account.change)} vs before`,
        ]
      : []),
  ];
  const blocks: Block[] = [
    section(`${ICON[view.summary.verdict] ?? ''} *${esc(view.label)}*: ${esc(sentence)}`),
    context(esc(facts.join(' · '))),
  ];
  if (view.rollbackLogId) {
    blocks.push(
      actions('mb_followup_actions', [
        button('Roll back', ACTION_IDS.rollbackWrite, { style: 'danger', value: view.rollbackLogId }),
      ]),
    );
  }
  return { text, blocks };
}
