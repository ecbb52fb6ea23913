import { describe, expect, it } from 'vitest';
import type { AgentRow } from '../../../src/db/repos/agents.js';
import type { ConnectionRow } from '../../../src/db/repos/connections.js';
import {
  CONNECT_BLOCKS,
  renderConnectTokenModal,
  validateConnectToken,
} from '../../../src/slack/blocks/connect-modal.js';
import { renderFirstStatus } from '../../../src/slack/blocks/first-status.js';
import { renderHome } from '../../../src/slack/blocks/home.js';
import { MAX_OFFERED } from '../../../src/slack/blocks/home-connect.js';
import { ACTION_IDS, HOME_BLOCKS } from '../../../src/slack/blocks/ids.js';
import type { HomeConnectionView, HomeConnectView, HomeView } from '../../../src/slack/blocks/types.js';
import { pickedOnHome } from '../../../src/slack/handlers/home-connect.js';
import { connectionViewOf } from '../../../src/slack/views/home-connect-view.js';
import type { Json } from '../../support/sim.js';
import { assertValidMessage, assertValidView } from '../../support/slack/block-kit.js';
import { homeAgent } from './views.js';

const DIALOG = 'https://www.facebook.com/v26.0/dialog/oauth?client_id=1&state=abc';

function connection(over: Partial<HomeConnectionView> = {}): HomeConnectionView {
  return {
    adAccountId: 'act_1000000001',
    accountName: 'Demo <Store>',
    environment: 'sandbox',
    method: 'oauth',
    tokenType: 'user',
    expiresAt: '2027-01-19T15:00:00Z',
    lastRefreshedAt: '2026-11-20T15:00:00Z',
    health: { ok: true, note: null },
    disconnected: false,
    ...over,
  };
}

function connectView(over: Partial<HomeConnectView> = {}): HomeConnectView {
  return { dialogUrl: DIALOG, picker: null, problem: null, ...over };
}

function home(over: Partial<HomeView> = {}): Json {
  const view = renderHome({
    viewer: { userId: 'U0OPERATOR', isOperator: true, isApprover: true },
    agent: homeAgent(),
    connections: [connection()],
    connect: connectView(),
    ...over,
  });
  assertValidView(view);
  return view;
}

const elements = (view: Json): Json[] =>
  view.blocks.flatMap((b: Json) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
const ids = (view: Json) => elements(view).map((e) => e.action_id);

describe('App Home: connecting Meta', () => {
  it('offers Connect with Facebook as a URL button to the dialog, and Paste a token', () => {
    const view = home({ agent: null, connections: [] });
    const connect = elements(view).find((e) => e.action_id === ACTION_IDS.connectFacebook);
    expect(connect.url).toBe(DIALOG);
    expect(ids(view)).toContain(ACTION_IDS.pasteToken);
  });

  it('offers only Paste a token when the Meta app is not configured, and says what is missing', () => {
    const view = home({ connect: connectView({ dialogUrl: null }) });
    expect(ids(view)).not.toContain(ACTION_IDS.connectFacebook);
    expect(ids(view)).toContain(ACTION_IDS.pasteToken);
    expect(JSON.stringify(view.blocks)).toContain('META_APP_ID');
  });

  it('shows a viewer who may not connect the connections, and no button to change them', () => {
    const view = home({
      viewer: { userId: 'U0OTHER', isOperator: false, isApprover: false },
      connect: null,
      connections: [
        connection({ health: { ok: false, reason: 'revoked: Meta no longer accepts this token' } }),
      ],
    });
    for (const id of [
      ACTION_IDS.connectFacebook,
      ACTION_IDS.pasteToken,
      ACTION_IDS.reconnectFacebook,
      ACTION_IDS.disconnect,
    ])
      expect(ids(view)).not.toContain(id);
    expect(JSON.stringify(view.blocks)).toContain(':red_circle:');
  });

  it('lists the offered accounts with name, id and currency, escaped, sandbox preselected', () => {
    const view = home({
      agent: null,
      connections: [],
      connect: connectView({
        picker: {
          accounts: [
            { adAccountId: 'act_1', name: 'Shop <!channel>', currency: 'USD' },
            { adAccountId: 'act_2', name: 'Boutique', currency: 'JPY' },
          ],
          channelId: 'C0REPORTS1',
          environment: 'sandbox',
          tokenExpiresAt: '2027-01-19T15:00:00Z',
        },
      }),
    });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Shop &lt;!channel&gt;');
    expect(text).toContain('`act_2` · JPY');
    const choose = elements(view).filter((e) => e.action_id === ACTION_IDS.chooseAccount);
    expect(choose.map((c) => c.value)).toEqual(['act_1', 'act_2']);
    const channel = view.blocks.find((b: Json) => b.block_id === HOME_BLOCKS.pickChannel).elements[0];
    expect(channel.initial_channel).toBe('C0REPORTS1');
    const env = view.blocks.find((b: Json) => b.block_id === HOME_BLOCKS.pickEnvironment).elements[0];
    expect(env.initial_option.value).toBe('sandbox');
  });

  it('stays within Slack’s 100 blocks with many accounts, saying how many are not listed', () => {
    const accounts = Array.from({ length: 60 }, (_, i) => ({
      adAccountId: `act_${i + 1}`,
      name: `Account ${i + 1}`,
      currency: 'EUR',
    }));
    const view = home({
      connect: connectView({
        picker: { accounts, channelId: null, environment: 'live', tokenExpiresAt: null },
      }),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(elements(view).filter((e) => e.action_id === ACTION_IDS.chooseAccount)).toHaveLength(MAX_OFFERED);
    expect(JSON.stringify(view.blocks)).toContain(`${60 - MAX_OFFERED} more active ad accounts`);
    // A reconnect preselects the environment the account had.
    const env = view.blocks.find((b: Json) => b.block_id === HOME_BLOCKS.pickEnvironment).elements[0];
    expect(env.initial_option.value).toBe('live');
  });

  it('shows a healthy connection green, with Disconnect behind a confirm dialog and no Reconnect', () => {
    const view = home();
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(':large_green_circle:');
    expect(text).toContain('Connect with Facebook (user token)');
    expect(ids(view)).not.toContain(ACTION_IDS.reconnectFacebook);
    const disconnect = elements(view).find((e) => e.action_id === ACTION_IDS.disconnect);
    expect(disconnect.value).toBe('act_1000000001');
    expect(disconnect.confirm.confirm.text).toBe('Disconnect');
    expect(disconnect.confirm.text.text).toMatch(/no remote revoke/);
  });

  it('shows a broken connection red with its reason and a Reconnect to the dialog', () => {
    const view = home({
      connections: [connection({ health: { ok: false, reason: 'cannot renew: Meta refused the exchange' } })],
    });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(':red_circle:');
    expect(text).toContain('cannot renew: Meta refused the exchange');
    expect(elements(view).find((e) => e.action_id === ACTION_IDS.reconnectFacebook).url).toBe(DIALOG);
  });

  it('shows a disconnected connection with the no-remote-revoke note and nothing left to disconnect', () => {
    const view = home({
      agent: null,
      connections: [connection({ disconnected: true, health: { ok: false, reason: 'disconnected' } })],
    });
    expect(JSON.stringify(view.blocks)).toContain('no remote revoke');
    expect(ids(view)).not.toContain(ACTION_IDS.disconnect);
    expect(ids(view)).toContain(ACTION_IDS.reconnectFacebook);
  });
});

describe('connection health in words', () => {
  const agent = { accountName: 'Demo' } as AgentRow;
  const now = new Date('2026-11-20T15:00:00Z');
  const row = (over: Partial<ConnectionRow>): ConnectionRow =>
    ({
      adAccountId: 'act_1',
      environment: 'sandbox',
      method: 'oauth',
      tokenMode: 'user',
      tokenExpiresAt: new Date('2027-01-19T15:00:00Z'),
      lastRefreshedAt: null,
      scopes: ['ads_read', 'ads_management', 'business_management'],
      health: 'ok',
      healthDetail: null,
      revokedAt: null,
      disconnectedBy: null,
      ...over,
    }) as ConnectionRow;

  it('is green while the token works, and red saying revoked, cannot renew or missing scope', () => {
    expect(connectionViewOf(agent, row({}), now).health).toEqual({ ok: true, note: null });
    expect(connectionViewOf(agent, row({ health: 'invalid' }), now).health).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^revoked/),
    });
    expect(
      connectionViewOf(agent, row({ health: 'refresh_failed', healthDetail: 'code 190' }), now).health,
    ).toEqual({ ok: false, reason: 'cannot renew: code 190' });
    expect(connectionViewOf(agent, row({ scopes: ['ads_read'] }), now).health).toEqual({
      ok: false,
      reason: 'missing scope: ads_management, business_management',
    });
    const gone = connectionViewOf(agent, row({ revokedAt: now, disconnectedBy: 'slack:U1' }), now);
    expect(gone.disconnected).toBe(true);
    expect(gone.health).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^disconnected by slack:U1/),
    });
  });
});

describe('the Paste a token modal', () => {
  const values = (token: string, account: string, env?: string, channel?: string) => ({
    [CONNECT_BLOCKS.token]: { value: { type: 'plain_text_input', value: token } },
    [CONNECT_BLOCKS.adAccount]: { value: { type: 'plain_text_input', value: account } },
    ...(env
      ? {
          [CONNECT_BLOCKS.environment]: { value: { type: 'radio_buttons', selected_option: { value: env } } },
        }
      : {}),
    ...(channel
      ? { [CONNECT_BLOCKS.channel]: { value: { type: 'channels_select', selected_channel: channel } } }
      : {}),
  });

  it('is valid Block Kit, sandbox preselected, the token never pre-filled', () => {
    const view: Json = renderConnectTokenModal({ channelId: 'C0REPORTS1' });
    assertValidView(view);
    expect(JSON.stringify(view)).not.toContain('initial_value');
    const env = view.blocks.find((b: Json) => b.block_id === CONNECT_BLOCKS.environment);
    expect(env.element.initial_option.value).toBe('sandbox');
  });

  it('turns a good form into connect’s input, sandbox unless live is chosen', () => {
    expect(validateConnectToken(values('EAASIMSYSTEMUSERTOKEN0001', '1000000001'))).toEqual({
      ok: true,
      value: {
        accessToken: 'EAASIMSYSTEMUSERTOKEN0001',
        adAccountId: 'act_1000000001',
        environment: 'sandbox',
        channelId: null,
      },
    });
    const live = validateConnectToken(values(' EAASIMSYSTEMUSERTOKEN0001 ', 'act_1', 'live', 'C0REPORTS1'));
    expect(live).toMatchObject({ ok: true, value: { environment: 'live', channelId: 'C0REPORTS1' } });
  });

  it('answers field errors for a malformed token or account, never quoting the token', () => {
    const bad = validateConnectToken(values('EAA secret with spaces', 'shop'));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.response.errors).sort()).toEqual(
      [CONNECT_BLOCKS.adAccount, CONNECT_BLOCKS.token].sort(),
    );
    expect(JSON.stringify(bad.response)).not.toContain('secret');
    const empty = validateConnectToken({});
    expect(empty.ok ? {} : empty.response.errors[CONNECT_BLOCKS.token]).toBe('Paste the access token.');
  });
});

describe('the pickers of the account choice', () => {
  it('mean sandbox unless live is picked, and ignore a channel that is not one', () => {
    expect(pickedOnHome(undefined)).toEqual({ channel: null, environment: 'sandbox' });
    expect(
      pickedOnHome({
        [HOME_BLOCKS.pickChannel]: { [ACTION_IDS.pickChannel]: { selected_channel: 'C0REPORTS1' } },
        [HOME_BLOCKS.pickEnvironment]: {
          [ACTION_IDS.pickEnvironment]: { selected_option: { value: 'live' } },
        },
      }),
    ).toEqual({ channel: 'C0REPORTS1', environment: 'live' });
    expect(
      pickedOnHome({
        [HOME_BLOCKS.pickChannel]: { [ACTION_IDS.pickChannel]: { selected_channel: '<!here>' } },
      }),
    ).toEqual({ channel: null, environment: 'sandbox' });
  });
});

describe('the first status in the agent’s channel', () => {
  it('names who connected what, where, and carries the status as a code block', () => {
    const m = renderFirstStatus({
      by: 'U0OPERATOR',
      accountName: 'Demo <Store>',
      adAccountId: 'act_1',
      environment: 'sandbox',
      currency: 'USD',
      statusText: 'Environment:  sandbox\nAgent:        enabled',
    });
    assertValidMessage(m);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('<@U0OPERATOR> connected *Demo &lt;Store&gt;*');
    expect(text).toContain('```Environment:  sandbox');
  });
});
