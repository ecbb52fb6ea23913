import { describeChange, entityLink, levelLabel } from './format.js';
import { CALLBACK_IDS, encodeModalMetadata } from './ids.js';
import { context, esc, header, packLines, plain, section } from './kit.js';
import { type Block, clip, LIMITS } from './limits.js';
import type { ConfirmView, Environment } from './types.js';

export const CONFIRM_BLOCK_ID = 'mb_confirm_env';
export const CONFIRM_ACTION_ID = 'mb_env_word';
/** Lines listed before "…and N more": 100 blocks are plenty, characters are the real budget. */
const MAX_LISTED = 200;

/**
 * The modal an operator submits to execute approved actions or roll back recent writes: exactly what
 * will be written, where, and a text box in which they must type the environment word (sandbox/live),
 * the Slack twin of `--confirm sandbox|live`.
 */
export function renderConfirmModal(view: ConfirmView): Record<string, unknown> {
  const verb = view.kind === 'execute' ? 'Execute' : 'Roll back';
  const lines = view.items.slice(0, MAX_LISTED).map((item) => {
    const name = clip(item.entity.name, 120);
    return `• *${esc(item.key)}* ${levelLabel(item.entity.level)} ${entityLink(view.adAccountId, { ...item.entity, name })}: ${describeChange(item.change, view.currency)}`;
  });
  const blocks: Block[] = [
    header(`${verb} ${view.items.length} action${view.items.length === 1 ? '' : 's'}`),
    section(
      `Account *${esc(clip(view.accountName, 200))}* (\`${esc(view.adAccountId)}\`), environment *${view.environment}*.` +
        (view.kind === 'execute'
          ? ' Each action is re-read live first and skipped if it changed since the plan.'
          : ' Each write is undone only if the object still holds what MetaBuyer wrote.'),
    ),
    ...(lines.length > 0 ? packLines(lines) : [section('_Nothing to write._')]),
  ];
  if (view.items.length > MAX_LISTED) blocks.push(context(`…and ${view.items.length - MAX_LISTED} more.`));
  blocks.push({
    type: 'input',
    block_id: CONFIRM_BLOCK_ID,
    label: plain(`Type ${view.environment} to confirm`, LIMITS.inputLabel),
    hint: plain(`This writes to the ${view.environment} ad account. Type the word exactly.`),
    element: {
      type: 'plain_text_input',
      action_id: CONFIRM_ACTION_ID,
      max_length: 20,
      placeholder: plain(view.environment, 150),
    },
  });
  return {
    type: 'modal',
    callback_id: view.kind === 'execute' ? CALLBACK_IDS.confirmExecute : CALLBACK_IDS.confirmRollback,
    title: plain(view.kind === 'execute' ? 'Execute actions' : 'Roll back writes', LIMITS.viewTitle),
    submit: plain(verb, LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    private_metadata: encodeModalMetadata({
      agentId: view.agentId,
      planId: view.planId,
      kind: view.kind,
      ...(view.logIds ? { logIds: view.logIds } : {}),
    }),
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/** The `response_action: errors` body Slack shows under the named input blocks. */
export interface FieldErrors {
  response_action: 'errors';
  errors: Record<string, string>;
}

/** The view.state.values of a view_submission, as Bolt hands it over. */
export type ViewStateValues = Record<
  string,
  Record<string, { type?: string; value?: string | null } & Record<string, unknown>>
>;

/**
 * Checks the typed word against the connection's environment. Exact after trimming, case-sensitive like
 * the CLI's --confirm: "Live" is not "live", because the point is to make the operator read it.
 */
export function validateConfirmSubmission(
  values: ViewStateValues,
  environment: Environment,
): { ok: true } | { ok: false; response: FieldErrors } {
  const typed = values[CONFIRM_BLOCK_ID]?.[CONFIRM_ACTION_ID]?.value?.trim() ?? '';
  if (typed === environment) return { ok: true };
  const message =
    typed === ''
      ? `Type ${environment} to confirm.`
      : `"${clip(typed, 20)}" does not match: this connection is ${environment}. Type ${environment} to confirm.`;
  return { ok: false, response: { response_action: 'errors', errors: { [CONFIRM_BLOCK_ID]: message } } };
}
