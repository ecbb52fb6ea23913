import { z } from 'zod';

/**
 * The action_ids and callback_ids the app's handlers listen for, and the values buttons carry. A button
 * value names the plan and the action key only: never a token, never anything a person could not see in
 * the message itself. The app must still check that the plan is active and the clicker may decide.
 */
export const ACTION_IDS = {
  approve: 'mb_approve_action',
  reject: 'mb_reject_action',
  clear: 'mb_clear_action',
  openExecute: 'mb_open_execute',
  editTargets: 'mb_edit_targets',
  editSchedule: 'mb_edit_schedule',
  editPeople: 'mb_edit_people',
  editExecution: 'mb_edit_execution',
  pause: 'mb_pause_agent',
  resume: 'mb_resume_agent',
  /** URL buttons (Slack still sends block_actions for them): the Facebook Login dialog. */
  connectFacebook: 'mb_connect_facebook',
  reconnectFacebook: 'mb_reconnect_facebook',
  pasteToken: 'mb_paste_token',
  /** Value: the ad account id (act_…); channel and environment come from the Home's pickers. */
  chooseAccount: 'mb_choose_account',
  pickChannel: 'mb_pick_channel',
  pickEnvironment: 'mb_pick_environment',
  /** Value: the ad account id (act_…); the button carries a confirm dialog. */
  disconnect: 'mb_disconnect',
} as const;

/** The Home blocks whose element state a later button reads (view.state.values[block_id][action_id]). */
export const HOME_BLOCKS = {
  pickChannel: 'mb_home_pick_channel',
  pickEnvironment: 'mb_home_pick_env',
} as const;

export const CALLBACK_IDS = {
  confirmExecute: 'mb_confirm_execute',
  confirmRollback: 'mb_confirm_rollback',
  editTargets: 'mb_edit_targets',
  editSchedule: 'mb_edit_schedule',
  editPeople: 'mb_edit_people',
  editExecution: 'mb_edit_execution',
  rejectReason: 'mb_reject_reason',
  connectToken: 'mb_connect_token',
} as const;

const PLAN_ID = /^[a-z]{2,8}_[0-9A-Za-z]{1,64}$/;
const ACTION_KEY = /^A[1-9][0-9]{0,3}$/;

/** "pln_01J…:A3" */
export function actionButtonValue(planId: string, key: string): string {
  return `${planId}:${key}`;
}

const actionValue = z
  .string()
  .max(200)
  .transform((s) => s.split(':'))
  .pipe(z.tuple([z.string().regex(PLAN_ID), z.string().regex(ACTION_KEY)]));

/** The plan and key a button names, or null for anything that is not one of ours. */
export function parseActionButtonValue(value: unknown): { planId: string; key: string } | null {
  const parsed = actionValue.safeParse(value);
  return parsed.success ? { planId: parsed.data[0], key: parsed.data[1] } : null;
}

/** What a modal carries in private_metadata: ids only, so a forged submission reveals nothing. */
export const modalMetadataSchema = z.object({
  agentId: z.string().min(1).max(100),
  planId: z.string().regex(PLAN_ID).nullable(),
  kind: z.enum(['execute', 'rollback', 'targets', 'schedule', 'people', 'execution', 'reject']),
  /** The action a reject-reason modal is about. */
  key: z.string().regex(ACTION_KEY).optional(),
});
export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export function encodeModalMetadata(meta: ModalMetadata): string {
  return JSON.stringify(meta);
}

/** Null when the metadata is missing, not JSON, or not ours. */
export function parseModalMetadata(raw: unknown): ModalMetadata | null {
  if (typeof raw !== 'string') return null;
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
