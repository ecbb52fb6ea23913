import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack, quietLogger } from '../../support/slack/fake-slack.js';

const CLIENT = { clientId: '1111111111.2222222222', clientSecret: 'client-secret-0011223344' };
const REDIRECT = 'https://metabuyer.example.com/slack/oauth_redirect';
const AUTHORIZE = `https://slack.com/oauth/v2/authorize?client_id=${CLIENT.clientId}&scope=commands,chat:write&state=s1&redirect_uri=${encodeURIComponent(REDIRECT)}`;

let now = Date.now();
let slack: FakeSlack;
let noToken: WebClient;

// biome-ignore lint/suspicious/noExplicitAny: Slack answers are checked by the assertions
const platformError = (e: any) => e?.data?.error;

beforeAll(async () => {
  slack = await FakeSlack.start({ oauth: { ...CLIENT, redirectUrls: [REDIRECT] }, now: () => now });
  noToken = new WebClient(undefined, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logger: quietLogger as never,
  });
});

afterAll(async () => {
  await slack?.close();
});

const exchange = (args: Record<string, string>) =>
  noToken.oauth.v2.access({
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    ...args,
  } as never);

describe('the fake Slack OAuth v2 install', () => {
  it('sends the admin back to the redirect address with a code and the unchanged state', () => {
    const { code, redirect } = slack.authorizeInstall(AUTHORIZE, {
      teamId: 'T0ONE0001',
      userId: 'U0ADMIN01',
    });
    const back = new URL(redirect);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('code')).toBe(code);
    expect(back.searchParams.get('state')).toBe('s1');
  });

  it('refuses, like Slack’s authorize page, an unknown client id or an unregistered redirect address', () => {
    expect(() =>
      slack.authorizeInstall(AUTHORIZE.replace(CLIENT.clientId, '9.9'), {
        teamId: 'T0ONE0001',
        userId: 'U0A',
      }),
    ).toThrow('invalid_client_id');
    expect(() =>
      slack.authorizeInstall(AUTHORIZE.replace('metabuyer.example.com', 'evil.example.net'), {
        teamId: 'T0ONE0001',
        userId: 'U0A',
      }),
    ).toThrow('bad_redirect_uri');
  });

  it('exchanges a code once for a bot token of that team, which auth.test answers for', async () => {
    const { code } = slack.authorizeInstall(AUTHORIZE, {
      teamId: 'T0TWO0002',
      teamName: 'Two',
      userId: 'U0ADMIN02',
    });
    const res = await exchange({ code, redirect_uri: REDIRECT });
    expect(res).toMatchObject({
      ok: true,
      token_type: 'bot',
      scope: 'commands,chat:write',
      bot_user_id: 'UB0TWO0002',
      app_id: 'A0FAKEAPP1',
      team: { id: 'T0TWO0002', name: 'Two' },
      enterprise: null,
      authed_user: { id: 'U0ADMIN02' },
      is_enterprise_install: false,
    });
    expect(res.access_token).toMatch(/^xoxb-/);
    const who = await new WebClient(res.access_token, { slackApiUrl: slack.apiUrl }).auth.test();
    expect(who).toMatchObject({ team_id: 'T0TWO0002', user_id: 'UB0TWO0002', bot_id: 'BB0TWO0002' });
    // Used once: a replay is invalid_code.
    expect(platformError(await exchange({ code, redirect_uri: REDIRECT }).catch((e) => e))).toBe(
      'invalid_code',
    );
    // The client secret and the code are not in the call record.
    expect(JSON.stringify(slack.callsOf('oauth.v2.access'))).not.toContain(CLIENT.clientSecret);
    expect(JSON.stringify(slack.callsOf('oauth.v2.access'))).not.toContain(code);
  });

  it('accepts the client credentials as HTTP Basic auth too', async () => {
    const { code } = slack.authorizeInstall(AUTHORIZE, { teamId: 'T0THREE03', userId: 'U0ADMIN03' });
    const res = await fetch(`${slack.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ code, redirect_uri: REDIRECT }).toString(),
    });
    expect(await res.json()).toMatchObject({ ok: true, team: { id: 'T0THREE03' } });
  });

  it('answers bad_redirect_uri, invalid_client_id, bad_client_secret and an expired code as Slack does', async () => {
    const fresh = () => slack.authorizeInstall(AUTHORIZE, { teamId: 'T0FOUR004', userId: 'U0ADMIN04' }).code;
    expect(platformError(await exchange({ code: fresh() }).catch((e) => e))).toBe('bad_redirect_uri');
    expect(
      platformError(
        await exchange({ code: fresh(), redirect_uri: REDIRECT, client_id: '9.9' }).catch((e) => e),
      ),
    ).toBe('invalid_client_id');
    expect(
      platformError(
        await exchange({ code: fresh(), redirect_uri: REDIRECT, client_secret: 'nope' }).catch((e) => e),
      ),
    ).toBe('bad_client_secret');
    const code = fresh();
    now += 11 * 60 * 1000;
    expect(platformError(await exchange({ code, redirect_uri: REDIRECT }).catch((e) => e))).toBe(
      'invalid_code',
    );
  });

  it('answers token_revoked for the tokens of a team that uninstalled the app', async () => {
    const { code } = slack.authorizeInstall(AUTHORIZE, { teamId: 'T0FIVE005', userId: 'U0ADMIN05' });
    const { access_token } = await exchange({ code, redirect_uri: REDIRECT });
    slack.uninstall('T0FIVE005');
    expect(slack.installOf('T0FIVE005')).toBeUndefined();
    const client = new WebClient(access_token, { slackApiUrl: slack.apiUrl, logger: quietLogger as never });
    expect(platformError(await client.auth.test().catch((e) => e))).toBe('token_revoked');
  });
});
