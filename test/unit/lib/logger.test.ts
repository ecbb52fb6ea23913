import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { Redactor } from '../../../src/lib/redact.js';

function capture(literals: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (l) => lines.push(l),
    redactor: new Redactor(literals),
  });
  return { logger, lines, all: () => lines.join('\n') };
}

const META_TOKEN = 'EAASIMSYSTEMUSERTOKEN0001';
const SLACK_BOT = 'xoxb-1234567890-0987654321-AbCdEfGhIjKl';
const SLACK_USER = 'xoxp-1111-2222-3333-abcdef';
const SLACK_APP = 'xapp-1-A0123-456-abcdef';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const APP_SECRET = 'sim-app-secret-0001';

describe('the logger never prints a secret', () => {
  it('removes a Meta token from a message and from fields', () => {
    const { logger, all } = capture();
    logger.info(`calling Meta with ${META_TOKEN}`, { note: `token was ${META_TOKEN}` });
    expect(all()).not.toContain(META_TOKEN);
    expect(all()).toContain('[REDACTED]');
  });

  it.each([SLACK_BOT, SLACK_USER, SLACK_APP])('removes the Slack token %s', (tok) => {
    const { logger, all } = capture();
    logger.warn('slack', { detail: `auth failed for ${tok}` });
    expect(all()).not.toContain(tok);
  });

  it('removes Bearer credentials from headers', () => {
    const { logger, all } = capture();
    logger.info('request', {
      headers: { Authorization: 'Bearer abc.def.ghi-123456' },
      raw: 'Authorization: Bearer abc.def.ghi-123456',
    });
    expect(all()).not.toContain('abc.def.ghi-123456');
  });

  it('removes access_token and appsecret_proof from URLs, such as paging.next', () => {
    const { logger, all } = capture();
    const next = `https://graph.facebook.com/v26.0/act_1/insights?fields=spend&access_token=opaqueTOKENvalue123&appsecret_proof=deadbeef42&after=MjQZD`;
    logger.info('page', { next });
    expect(all()).not.toContain('opaqueTOKENvalue123');
    expect(all()).not.toContain('deadbeef42');
    expect(all()).toContain('after=MjQZD');
  });

  it('removes values under secret keys whatever their shape', () => {
    const { logger, all } = capture();
    logger.info('config', {
      signingSecret: 'plainwords-but-secret',
      nested: {
        access_token: 'opaque1',
        client_secret: 'opaque2',
        appSecret: 'opaque3',
        password: 'hunter22',
      },
      list: [{ token: 'opaque4' }],
    });
    for (const v of ['plainwords-but-secret', 'opaque1', 'opaque2', 'opaque3', 'hunter22', 'opaque4']) {
      expect(all()).not.toContain(v);
    }
  });

  it('removes the configured signing and app secrets wherever they appear', () => {
    const { logger, all } = capture([SIGNING_SECRET, APP_SECRET]);
    logger.error(`signature check with ${SIGNING_SECRET} failed`, { msg2: `app ${APP_SECRET}` });
    expect(all()).not.toContain(SIGNING_SECRET);
    expect(all()).not.toContain(APP_SECRET);
  });

  it('removes an app access token (app id|app secret)', () => {
    const { logger, all } = capture();
    logger.info(`debug_token with 7000000000001|${APP_SECRET}`);
    expect(all()).not.toContain(APP_SECRET);
  });

  it('removes secrets inside errors and their causes', () => {
    const { logger, all } = capture();
    const err = new Error(`request failed: access_token=${META_TOKEN}`, {
      cause: new Error(`bot ${SLACK_BOT}`),
    });
    logger.error('boom', { err });
    expect(all()).not.toContain(META_TOKEN);
    expect(all()).not.toContain(SLACK_BOT);
    expect(all()).toContain('request failed');
  });

  it('keeps error codes and ordinary fields readable', () => {
    const { logger, lines } = capture();
    logger.info('meta error', {
      code: 190,
      error_subcode: 463,
      adAccountId: 'act_1000000001',
      tokenMode: 'system_user',
    });
    const rec = JSON.parse(lines[0]!);
    expect(rec).toMatchObject({
      level: 'info',
      msg: 'meta error',
      code: 190,
      error_subcode: 463,
      adAccountId: 'act_1000000001',
      tokenMode: 'system_user',
    });
  });

  it('writes one JSON object per line, with child bindings', () => {
    const { logger, lines } = capture();
    logger.child({ agentId: 'agent_1' }).debug('polled', { calls: 7 });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      agentId: 'agent_1',
      calls: 7,
      msg: 'polled',
      level: 'debug',
    });
  });
});
