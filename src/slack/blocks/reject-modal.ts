import type { FieldErrors, ViewStateValues } from './confirm-modal.js';
import { describeChange, entityLink, levelLabel } from './format.js';
import { CALLBACK_IDS, encodeModalMetadata } from './ids.js';
import { esc, plain, section } from './kit.js';
import { clip, LIMITS } from './limits.js';
import type { QueueActionView } from './types.js';

export const REJECT_REASON_BLOCK_ID = 'mb_reject_reason';
export const REJECT_REASON_ACTION_ID = 'reason';
export const REJECT_REASON_MAX = 500;

/**
 * What a Reject button opens: the action being rejected and an optional reason, which the queue then
 * shows beside the rejection (the button twin of `REJECT A2 too early to judge`).
 */
export function renderRejectModal(input: {
  agentId: string;
  planId: string;
  adAccountId: string;
  currency: string;
  action: Pick<QueueActionView, 'key' | 'entity' | 'change'>;
}): Record<string, unknown> {
  const a = input.action;
  const entity = entityLink(input.adAccountId, { ...a.entity, name: clip(a.entity.name, 120) });
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.rejectReason,
    title: plain(`Reject ${a.key}`, LIMITS.viewTitle),
    submit: plain('Reject', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    private_metadata: encodeModalMetadata({
      agentId: input.agentId,
      planId: input.planId,
      kind: 'reject',
      key: a.key,
    }),
    blocks: [
      section(
        `*${esc(a.key)}* · ${levelLabel(a.entity.level)} ${entity}\n${describeChange(a.change, input.currency)}`,
      ),
      {
        type: 'input',
        block_id: REJECT_REASON_BLOCK_ID,
        optional: true,
        label: plain('Why? (shown in the queue)', LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: REJECT_REASON_ACTION_ID,
          multiline: true,
          max_length: REJECT_REASON_MAX,
          placeholder: plain('e.g. too early to judge', 150),
        },
      },
    ],
  };
}

/** The reason typed (trimmed, null when empty), or a field error when it is too long. */
export function validateRejectSubmission(
  values: ViewStateValues,
): { ok: true; reason: string | null } | { ok: false; response: FieldErrors } {
  const raw = values[REJECT_REASON_BLOCK_ID]?.[REJECT_REASON_ACTION_ID]?.value;
  const reason = typeof raw === 'string' ? raw.trim() : '';
  if (reason.length > REJECT_REASON_MAX) {
    return {
      ok: false,
      response: {
        response_action: 'errors',
        errors: { [REJECT_REASON_BLOCK_ID]: `Keep the reason under ${REJECT_REASON_MAX} characters.` },
      },
    };
  }
  return { ok: true, reason: reason || null };
}
