import { z } from 'zod';
import type { FieldErrors, ViewStateValues } from './confirm-modal.js';
import { CALLBACK_IDS } from './ids.js';
import { plain, section } from './kit.js';
import { LIMITS } from './limits.js';
import type { Environment } from './types.js';

/**
 * App Home's "Paste a token" modal: the Slack twin of `metabuyer connect --access-token … --ad-account …
 * --env …`. The token field is never pre-filled and never echoed back (not in errors, not in the Home):
 * Slack shows field errors under the field, and only ours are shown.
 */
export const CONNECT_BLOCKS = {
  token: 'mb_connect_token_value',
  adAccount: 'mb_connect_ad_account',
  environment: 'mb_connect_env',
  channel: 'mb_connect_channel',
} as const;
const VALUE = 'value';

const ENV_OPTIONS = [
  { text: { type: 'mrkdwn', text: '*sandbox*: executed actions go to a test account' }, value: 'sandbox' },
  {
    text: { type: 'mrkdwn', text: '*live*: executed actions change real campaigns and spend' },
    value: 'live',
  },
];

export function renderConnectTokenModal(input: { channelId: string | null }): Record<string, unknown> {
  const channel = input.channelId && /^[CG][A-Z0-9]+$/.test(input.channelId) ? input.channelId : null;
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.connectToken,
    title: plain('Connect with a token', LIMITS.viewTitle),
    submit: plain('Connect', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks: [
      section(
        'Paste a Meta access token (a System User token from Business Settings, with ads_read and ads_management). MetaBuyer checks it with Meta and stores it encrypted; nothing is stored if a check fails.',
      ),
      {
        type: 'input',
        block_id: CONNECT_BLOCKS.token,
        label: plain('Access token', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: VALUE, max_length: 1000 },
      },
      {
        type: 'input',
        block_id: CONNECT_BLOCKS.adAccount,
        label: plain('Ad account id', LIMITS.inputLabel),
        hint: plain('act_ followed by digits, as in Ads Manager’s URL (act=…)'),
        element: {
          type: 'plain_text_input',
          action_id: VALUE,
          max_length: 40,
          placeholder: plain('act_1234567890', 150),
        },
      },
      {
        type: 'input',
        block_id: CONNECT_BLOCKS.environment,
        label: plain('Environment', LIMITS.inputLabel),
        element: {
          type: 'radio_buttons',
          action_id: VALUE,
          options: ENV_OPTIONS,
          initial_option: ENV_OPTIONS[0],
        },
      },
      {
        type: 'input',
        block_id: CONNECT_BLOCKS.channel,
        optional: true,
        label: plain('Channel for reports', LIMITS.inputLabel),
        element: {
          type: 'channels_select',
          action_id: VALUE,
          ...(channel ? { initial_channel: channel } : {}),
        },
      },
    ],
  };
}

export interface ConnectTokenForm {
  accessToken: string;
  adAccountId: string;
  environment: Environment;
  channelId: string | null;
}

const stateSchema = z.object({
  token: z.string().nullish(),
  adAccount: z.string().nullish(),
  environment: z.string().nullish(),
  channel: z.string().nullish(),
});

/** The submitted form, or field errors keyed by block id (the token is never quoted back). */
export function validateConnectToken(
  values: ViewStateValues,
): { ok: true; value: ConnectTokenForm } | { ok: false; response: FieldErrors } {
  const pick = (block: string) => values[block]?.[VALUE];
  const envOption = pick(CONNECT_BLOCKS.environment)?.selected_option as { value?: unknown } | undefined;
  const raw = stateSchema.parse({
    token: pick(CONNECT_BLOCKS.token)?.value,
    adAccount: pick(CONNECT_BLOCKS.adAccount)?.value,
    environment: typeof envOption?.value === 'string' ? envOption.value : null,
    channel: pick(CONNECT_BLOCKS.channel)?.selected_channel as string | null | undefined,
  });
  const errors: Record<string, string> = {};
  const token = (raw.token ?? '').trim();
  if (token === '') errors[CONNECT_BLOCKS.token] = 'Paste the access token.';
  else if (/\s/.test(token) || token.length < 20 || !/^[A-Za-z0-9_-]+$/.test(token))
    errors[CONNECT_BLOCKS.token] =
      'This does not look like a Meta access token (one word of letters and digits, usually starting with EAA).';
  const account = (raw.adAccount ?? '').trim();
  if (!/^(act_)?[0-9]{1,20}$/.test(account))
    errors[CONNECT_BLOCKS.adAccount] =
      'Enter the ad account id: act_ followed by digits, e.g. act_1234567890.';
  const environment = raw.environment ?? 'sandbox';
  if (environment !== 'sandbox' && environment !== 'live')
    errors[CONNECT_BLOCKS.environment] = 'Choose sandbox or live.';
  const channel = raw.channel ?? null;
  if (channel !== null && !/^[CG][A-Z0-9]{2,20}$/.test(channel))
    errors[CONNECT_BLOCKS.channel] = 'Choose a channel.';
  if (Object.keys(errors).length > 0) return { ok: false, response: { response_action: 'errors', errors } };
  return {
    ok: true,
    value: {
      accessToken: token,
      adAccountId: account.startsWith('act_') ? account : `act_${account}`,
      environment: environment as Environment,
      channelId: channel,
    },
  };
}
