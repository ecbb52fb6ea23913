import { describe, expect, it } from 'vitest';
import { configSecrets, parseConfig } from '../../../src/lib/config.js';
import { AppError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import { Redactor } from '../../../src/lib/redact.js';
import { serveSettings } from '../../../src/slack/serve-settings.js';

const APP_TOKEN = 'xapp-1-A0FAKEAPP1-1234567890-0123456789abcdef0123456789abcdef';
const BASE = {
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/mb',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
};
const OAUTH = {
  SLACK_CLIENT_ID: '1234567890.9876543210',
  SLACK_CLIENT_SECRET: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  SLACK_STATE_SECRET: 'state-secret-state-secret-0123',
};

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('SLACK_APP_TOKEN (Socket Mode)', () => {
  it('is read as the app-level token; absent, serve stays on HTTP', () => {
    expect(parseConfig({ SLACK_APP_TOKEN: APP_TOKEN }, '/srv/app').slack.appToken).toBe(APP_TOKEN);
    expect(parseConfig({}, '/srv/app').slack.appToken).toBeUndefined();
  });

  it('refuses a token that is not an app-level token, without echoing it', () => {
    const bot = 'xoxb-123-456-notanapptoken';
    const err = refusal(() => parseConfig({ SLACK_APP_TOKEN: bot }, '/srv/app'));
    expect(err.message).toMatch(/SLACK_APP_TOKEN must be an app-level token starting with xapp-/);
    expect(err.message).toMatch(/value not shown: it is a secret/);
    expect(JSON.stringify(err.toJSON())).not.toContain(bot);
  });

  it('is a secret the logger removes wherever it appears', () => {
    const config = parseConfig({ ...BASE, SLACK_APP_TOKEN: APP_TOKEN }, '/srv/app');
    expect(configSecrets(config)).toContain(APP_TOKEN);
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), redactor: new Redactor(configSecrets(config)) });
    log.info(`connecting with ${APP_TOKEN}`, {
      headers: { Authorization: `Bearer ${APP_TOKEN}` },
      note: APP_TOKEN,
    });
    expect(lines.join('\n')).not.toContain('0123456789abcdef0123456789abcdef');
  });
});

describe('what serve needs', () => {
  it('serves over Socket Mode with the app token and bot token, needing no signing secret', () => {
    const s = serveSettings(parseConfig({ ...BASE, SLACK_APP_TOKEN: APP_TOKEN }, '/srv/app'));
    expect(s.transport).toEqual({ kind: 'socket', appToken: APP_TOKEN });
    expect(s.botToken).toBe(BASE.SLACK_BOT_TOKEN);
  });

  it('serves over HTTP without an app token, and then needs the signing secret', () => {
    const err = refusal(() => serveSettings(parseConfig(BASE, '/srv/app')));
    expect(err.code).toBe('serve_not_configured');
    expect(err.message).toContain('SLACK_SIGNING_SECRET');
    const s = serveSettings(parseConfig({ ...BASE, SLACK_SIGNING_SECRET: 'signing-secret-1' }, '/srv/app'));
    expect(s.transport).toEqual({ kind: 'http', signingSecret: 'signing-secret-1' });
  });

  it('refuses Socket Mode without a bot token, naming it', () => {
    const { SLACK_BOT_TOKEN: _, ...noBot } = BASE;
    const err = refusal(() =>
      serveSettings(parseConfig({ ...noBot, SLACK_APP_TOKEN: APP_TOKEN }, '/srv/app')),
    );
    expect(err.message).toMatch(/needs SLACK_BOT_TOKEN \(Socket Mode serves one workspace\)/);
    expect(err.message).not.toContain('SLACK_SIGNING_SECRET');
  });

  it('refuses Socket Mode combined with the multi-workspace install, saying what to unset', () => {
    const err = refusal(() =>
      serveSettings(parseConfig({ ...BASE, ...OAUTH, SLACK_APP_TOKEN: APP_TOKEN }, '/srv/app')),
    );
    expect(err.code).toBe('serve_not_configured');
    expect(err.message).toMatch(/cannot be combined with the multi-workspace install/);
    expect(err.message).toMatch(/unset SLACK_APP_TOKEN/);
    expect(err.message).not.toContain(APP_TOKEN);
  });

  it('still needs DATABASE_URL and REDIS_URL in Socket Mode', () => {
    const err = refusal(() =>
      serveSettings(parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: APP_TOKEN }, '/srv/app')),
    );
    expect(err.message).toMatch(/DATABASE_URL, REDIS_URL/);
  });
});
