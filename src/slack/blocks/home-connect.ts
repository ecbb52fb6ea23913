import { ACTION_IDS, HOME_BLOCKS } from './ids.js';
import { actions, button, context, divider, esc, plain, section, slackDate } from './kit.js';
import { type Block, clip } from './limits.js';
import type { HomeConnectionView, HomeConnectView, HomeView } from './types.js';

/** Slack lists at most this many accounts to choose from; more would push the Home past 100 blocks. */
export const MAX_OFFERED = 20;

export const REMOTE_REVOKE_NOTE =
  'Meta has no remote revoke for long-lived tokens: the token stays valid at Meta until it expires. To cut it off now, remove the app in Facebook Settings → Business Integrations.';

/**
 * App Home's connection blocks: the ad-account choice after a Facebook login, the workspace's
 * connections with their health (and Reconnect / Disconnect for those who may connect), and the
 * Connect with Facebook / Paste a token buttons. Nothing here carries a token: button values are ad
 * account ids, and the dialog URL carries only Meta's public app id and our single-use state.
 */
export function connectionBlocks(view: HomeView): Block[] {
  const connect = view.connect ?? null;
  const blocks: Block[] = [];
  if (view.notice) blocks.push(divider(), section(`:warning: ${esc(clip(view.notice, 1000))}`));
  if (connect?.picker || connect?.problem) blocks.push(...pickerBlocks(connect));
  const connections = view.connections ?? [];
  if (connections.length > 0) {
    blocks.push(divider(), section('*Meta connections*'));
    for (const c of connections) blocks.push(...connectionRow(c, connect));
  }
  if (connect) {
    const buttons = [
      ...(connect.dialogUrl
        ? [
            button('Connect with Facebook', ACTION_IDS.connectFacebook, {
              url: connect.dialogUrl,
              style: 'primary',
            }),
          ]
        : []),
      button('Paste a token', ACTION_IDS.pasteToken, { value: 'token' }),
    ];
    blocks.push(
      actions('mb_home_connect', buttons),
      context(
        connect.dialogUrl
          ? 'Connect with Facebook opens Facebook’s login in your browser (the link works once, for 15 minutes). Or paste a System User token in a private form.'
          : 'Connect with Facebook needs META_APP_ID, META_APP_SECRET and PUBLIC_URL on the MetaBuyer host. Meanwhile, paste a System User token in a private form.',
      ),
    );
  }
  return blocks;
}

function pickerBlocks(connect: HomeConnectView): Block[] {
  const blocks: Block[] = [divider()];
  if (connect.problem) blocks.push(section(`:warning: ${esc(clip(connect.problem, 1000))}`));
  const picker = connect.picker;
  if (!picker) return blocks;
  const expiry = picker.tokenExpiresAt
    ? ` The login lasts until ${slackDate(picker.tokenExpiresAt, '{date_short}')}; MetaBuyer renews it a week before.`
    : '';
  blocks.push(
    section(`*Facebook connected: choose the ad account MetaBuyer should manage.*${expiry}`),
    actions(HOME_BLOCKS.pickChannel, [
      {
        type: 'channels_select',
        action_id: ACTION_IDS.pickChannel,
        placeholder: plain('Channel for reports', 150),
        ...(picker.channelId && /^[CG][A-Z0-9]+$/.test(picker.channelId)
          ? { initial_channel: picker.channelId }
          : {}),
      },
    ]),
    actions(HOME_BLOCKS.pickEnvironment, [
      {
        type: 'radio_buttons',
        action_id: ACTION_IDS.pickEnvironment,
        options: [SANDBOX_OPTION, LIVE_OPTION],
        initial_option: picker.environment === 'live' ? LIVE_OPTION : SANDBOX_OPTION,
      },
    ]),
  );
  if (picker.accounts.length === 0) {
    blocks.push(section('This Facebook login reaches no active ad account.'));
    return blocks;
  }
  for (const a of picker.accounts.slice(0, MAX_OFFERED)) {
    blocks.push(
      section(`*${esc(clip(a.name, 200))}*\n\`${esc(a.adAccountId)}\` · ${esc(a.currency)}`, {
        accessory: button('Choose', ACTION_IDS.chooseAccount, { value: a.adAccountId, style: 'primary' }),
      }),
    );
  }
  if (picker.accounts.length > MAX_OFFERED)
    blocks.push(
      context(
        `${picker.accounts.length - MAX_OFFERED} more active ad accounts are not listed here; connect them with Paste a token.`,
      ),
    );
  return blocks;
}

const SANDBOX_OPTION = {
  text: { type: 'mrkdwn', text: '*sandbox*: executed actions go to a test account' },
  value: 'sandbox',
};
const LIVE_OPTION = {
  text: { type: 'mrkdwn', text: '*live*: executed actions change real campaigns and spend' },
  value: 'live',
};

function connectionRow(c: HomeConnectionView, connect: HomeConnectView | null): Block[] {
  const name = c.accountName ? `*${esc(clip(c.accountName, 200))}* ` : '';
  const light = c.health.ok ? ':large_green_circle:' : ':red_circle:';
  const health = c.health.ok
    ? `healthy${c.health.note ? ` (${esc(c.health.note)})` : ''}`
    : `*${esc(clip(c.health.reason, 500))}*`;
  const method = c.method === 'oauth' ? 'Connect with Facebook' : 'pasted token';
  const expiry = c.disconnected
    ? ''
    : c.expiresAt
      ? ` · expires ${slackDate(c.expiresAt, '{date_short}')}`
      : ' · does not expire';
  const refreshed = c.lastRefreshedAt ? ` · renewed ${slackDate(c.lastRefreshedAt, '{date_short}')}` : '';
  const blocks: Block[] = [
    section(
      `${light} ${name}\`${esc(c.adAccountId)}\` · ${c.environment}\n${method} (${c.tokenType === 'system_user' ? 'System User' : 'user'} token)${expiry}${refreshed}\n${health}`,
    ),
  ];
  if (c.disconnected) blocks.push(context(esc(REMOTE_REVOKE_NOTE)));
  if (!connect) return blocks;
  const buttons: Record<string, unknown>[] = [];
  if (!c.health.ok && connect.dialogUrl)
    buttons.push(
      button('Reconnect', ACTION_IDS.reconnectFacebook, {
        url: connect.dialogUrl,
        style: 'primary',
      }),
    );
  if (!c.disconnected)
    buttons.push(
      button('Disconnect', ACTION_IDS.disconnect, {
        value: c.adAccountId,
        style: 'danger',
        confirm: {
          title: 'Disconnect this ad account?',
          text: `MetaBuyer forgets the token of \`${esc(c.adAccountId)}\` and halts its agent. Meta has no remote revoke: the token stays valid at Meta until it expires.`,
          confirm: 'Disconnect',
          deny: 'Keep it',
          style: 'danger',
        },
      }),
    );
  if (buttons.length > 0) blocks.push(actions(`mb_home_conn_${c.adAccountId}`, buttons));
  return blocks;
}
