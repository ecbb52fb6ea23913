import { describe, expect, it } from 'vitest';
import { configSecrets, parseConfig } from '../../../src/lib/config.js';
import { AppError } from '../../../src/lib/errors.js';
import { Redactor } from '../../../src/lib/redact.js';

const OAUTH = {
  SLACK_CLIENT_ID: '1234567890.9876543210',
  SLACK_CLIENT_SECRET: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  SLACK_STATE_SECRET: 'state-secret-state-secret-0123',
};

function failureOf(env: Record<string, string>): AppError {
  try {
    parseConfig(env, '/srv/app');
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the configuration to be refused');
}

describe('Slack OAuth install configuration', () => {
  it('is off without the three variables, so single-workspace mode keeps working', () => {
    const config = parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }, '/srv/app');
    expect(config.slack.oauth).toBeUndefined();
    expect(config.slack.botToken).toBe('xoxb-1-2-abc');
  });

  it('reads the client id, client secret and state secret together', () => {
    const config = parseConfig(OAUTH, '/srv/app');
    expect(config.slack.oauth).toEqual({
      clientId: OAUTH.SLACK_CLIENT_ID,
      clientSecret: OAUTH.SLACK_CLIENT_SECRET,
      stateSecret: OAUTH.SLACK_STATE_SECRET,
    });
  });

  it.each([['SLACK_CLIENT_ID'], ['SLACK_CLIENT_SECRET'], ['SLACK_STATE_SECRET']] as const)(
    'refuses a half-done install setup missing %s, naming what is missing',
    (missing) => {
      const env: Record<string, string> = { ...OAUTH };
      delete env[missing];
      const err = failureOf(env);
      expect(err.code).toBe('config_invalid');
      expect(err.message).toMatch(
        /needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together/,
      );
      expect(err.message).toContain(`${missing} is missing`);
      expect(err.details).toEqual({ variables: [missing] });
      // The refusal names variables, never their values.
      expect(err.message).not.toContain(OAUTH.SLACK_CLIENT_SECRET);
      expect(err.message).not.toContain(OAUTH.SLACK_STATE_SECRET);
    },
  );

  it('refuses a malformed client id and a short secret without echoing the secret', () => {
    const err = failureOf({ ...OAUTH, SLACK_CLIENT_ID: 'abc', SLACK_CLIENT_SECRET: 'short' });
    expect(err.message).toMatch(/SLACK_CLIENT_ID must be the Slack app Client ID/);
    expect(err.message).toMatch(/SLACK_CLIENT_SECRET must be at least 8 characters \(value not shown/);
    expect(err.message).not.toContain('short');
  });

  it('hands the client and state secrets to the log redactor', () => {
    const config = parseConfig(OAUTH, '/srv/app');
    expect(configSecrets(config)).toEqual(
      expect.arrayContaining([OAUTH.SLACK_CLIENT_SECRET, OAUTH.SLACK_STATE_SECRET]),
    );
    const line = new Redactor(configSecrets(config)).string(
      `exchanging with ${OAUTH.SLACK_CLIENT_SECRET} signed by ${OAUTH.SLACK_STATE_SECRET}`,
    );
    expect(line).not.toContain(OAUTH.SLACK_CLIENT_SECRET);
    expect(line).not.toContain(OAUTH.SLACK_STATE_SECRET);
  });
});
