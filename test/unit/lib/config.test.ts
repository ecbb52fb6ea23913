import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/lib/config.js';
import { AppError } from '../../../src/lib/errors.js';

function failureOf(env: Record<string, string>): AppError {
  try {
    parseConfig(env, '/srv/app');
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('defaults to the embedded database, in-process jobs and the real Meta and Slack endpoints', () => {
    const c = parseConfig({}, '/srv/app');
    expect(c.home).toBe('/srv/app/.metabuyer');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.meta.graphUrl).toBe('https://graph.facebook.com');
    expect(c.meta.apiVersion).toBe('v26.0');
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(c.port).toBe(3000);
    expect(c.lockWaitMs).toBe(30_000);
  });

  it('reads how long to wait for another process on the embedded database, and refuses nonsense', () => {
    expect(parseConfig({ METABUYER_LOCK_WAIT_SECONDS: '2.5' }).lockWaitMs).toBe(2500);
    expect(() => parseConfig({ METABUYER_LOCK_WAIT_SECONDS: 'soon' })).toThrow(
      /METABUYER_LOCK_WAIT_SECONDS must be a number of seconds/,
    );
  });

  it('reads every variable of the contract', () => {
    const c = parseConfig(
      {
        METABUYER_HOME: '/data/mb',
        DATABASE_URL: 'postgres://u@db:5432/mb',
        REDIS_URL: 'redis://cache:6379',
        META_GRAPH_URL: 'http://127.0.0.1:4010/',
        META_API_VERSION: 'v25.0',
        META_APP_ID: '7000000000001',
        META_APP_SECRET: 'sim-app-secret-0001',
        SLACK_SIGNING_SECRET: 'signing-secret-123',
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        SLACK_API_URL: 'http://127.0.0.1:4020/api',
        METABUYER_ENCRYPTION_KEY: 'a'.repeat(64),
        PORT: '8080',
      },
      '/srv/app',
    );
    expect(c.home).toBe('/data/mb');
    expect(c.databaseUrl).toBe('postgres://u@db:5432/mb');
    expect(c.meta.graphUrl).toBe('http://127.0.0.1:4010');
    expect(c.meta.apiVersion).toBe('v25.0');
    expect(c.slack.apiUrl).toBe('http://127.0.0.1:4020/api/');
    expect(c.port).toBe(8080);
  });

  it('is frozen once parsed, so nothing changes it behind your back', () => {
    const c = parseConfig({}, '/srv/app');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.meta)).toBe(true);
  });

  it('treats an empty variable as absent', () => {
    expect(parseConfig({ DATABASE_URL: '', PORT: ' ' }, '/srv/app').databaseUrl).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ META_GRAPH_URL: 'graph.facebook.com' }, /META_GRAPH_URL must be an http\(s\) URL/],
    [{ META_API_VERSION: '26' }, /META_API_VERSION must look like v26.0/],
    [{ META_APP_ID: 'abc' }, /META_APP_ID must be the numeric Meta app id/],
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 1 and 65535/],
    [{ SLACK_API_URL: 'ftp://slack' }, /SLACK_API_URL must be an http\(s\) URL/],
  ])('refuses %o with a message naming the variable and what is expected', (env, message) => {
    const err = failureOf(env as Record<string, string>);
    expect(err.code).toBe('config_invalid');
    expect(err.message).toMatch(message);
  });

  it('names every bad variable at once', () => {
    const err = failureOf({ PORT: 'x', REDIS_URL: 'nope' });
    expect(err.message).toMatch(/PORT/);
    expect(err.message).toMatch(/REDIS_URL/);
  });

  it('never echoes a secret it refuses', () => {
    const badToken = 'not-a-bot-token-but-secret-ish-9f8e7d';
    const shortSecret = 'abc';
    const err = failureOf({
      SLACK_BOT_TOKEN: badToken,
      META_APP_SECRET: shortSecret,
      SLACK_SIGNING_SECRET: 'zz',
    });
    expect(err.message).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with xoxb-/);
    expect(err.message).toMatch(/META_APP_SECRET/);
    expect(err.message).toMatch(/value not shown: it is a secret/);
    expect(err.message).not.toContain(badToken);
    expect(JSON.stringify(err.toJSON())).not.toContain(badToken);
  });
});

describe('write-path settings (tests only)', () => {
  it('ignores a crash point unless crash points are explicitly allowed', () => {
    expect(parseConfig({ METABUYER_CRASH_AT: 'after_write' }, '/srv/app').writePath.crashAt).toBeUndefined();
    expect(
      parseConfig({ METABUYER_ALLOW_CRASH_POINTS: 'true', METABUYER_CRASH_AT: 'after_write' }, '/srv/app')
        .writePath.crashAt,
    ).toBeUndefined();
    expect(
      parseConfig({ METABUYER_ALLOW_CRASH_POINTS: '1', METABUYER_CRASH_AT: 'after_write' }, '/srv/app')
        .writePath.crashAt,
    ).toBe('after_write');
  });

  it('refuses an unknown crash point, naming the variable', () => {
    expect(failureOf({ METABUYER_CRASH_AT: 'before_lunch' }).message).toMatch(/METABUYER_CRASH_AT/);
  });

  it('presumes a process dead after a 30 s silence by default, and takes a shorter lease for tests', () => {
    expect(parseConfig({}, '/srv/app').writePath).toMatchObject({ leaseMs: 30_000, heartbeatMs: 7_500 });
    expect(parseConfig({ METABUYER_LEASE_MS: '1000' }, '/srv/app').writePath).toMatchObject({
      leaseMs: 1000,
      heartbeatMs: 250,
    });
    expect(failureOf({ METABUYER_LEASE_MS: '10' }).message).toMatch(
      /METABUYER_LEASE_MS must be at least 500/,
    );
  });
});
