import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES as INSTALL_SCOPES } from '../../src/slack/oauth/scopes.js';
import { hasShared, ROOT, SHARED } from '../support/shared.js';

const SCHEMAS = path.join(ROOT, 'test', 'fixtures', 'slack-schemas');

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));

/** What the product needs from Slack, and nothing more. Change deliberately. */
const BOT_SCOPES = [
  'commands', // /metabuyer
  'chat:write', // reports, approval queues, replies
  'channels:history', // APPROVE / REJECT / CLEAR replies in public channel threads
  'groups:history', // … and in private channel threads
  'channels:read', // doctor: the report channel exists and the bot is in it
  'groups:read',
  'users:read', // approver names in the action log
  'usergroups:read', // approvers given as a user group
];
const BOT_EVENTS = [
  'app_home_opened',
  'message.channels',
  'message.groups',
  'app_uninstalled', // forget the workspace's bot token
  'tokens_revoked', // … likewise when its bot token is revoked
];

describe('the Slack app manifest', () => {
  it('validates against Slack manifest schema 1.0.0', () => {
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS, 'manifest.schema.1.0.0.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('asks for exactly the bot scopes the features need', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('asks at install (/slack/install) for exactly the bot scopes of the manifest', () => {
    expect([...INSTALL_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it("redirects Slack's install back to /slack/oauth_redirect over https", () => {
    expect(manifest.oauth_config.redirect_urls).toEqual([
      'https://metabuyer.example.com/slack/oauth_redirect',
    ]);
  });

  it('subscribes to exactly the bot events the features handle', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
  });

  it('offers /metabuyer with a usage hint, a Home tab, a bot user and interactivity', () => {
    const [cmd] = manifest.features.slash_commands;
    expect(cmd.command).toBe('/metabuyer');
    expect(cmd.usage_hint).toMatch(/execute-actions --confirm sandbox\|live/);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.bot_user.display_name).toBe('MetaBuyer');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('has a background colour Slack accepts (the schema cannot check it)', () => {
    expect(manifest.display_information.background_color).toMatch(/^#([0-9a-fA-F]{3}){1,2}$/);
  });
});

describe.runIf(hasShared)('the Slack schema copies', () => {
  it.each(['manifest.schema.1.0.0.json', 'slack-block-kit.schema.json'])(
    '%s is byte-identical to ../shared',
    (file) => {
      expect(
        readFileSync(path.join(SCHEMAS, file)).equals(readFileSync(path.join(SHARED, 'slack-schemas', file))),
      ).toBe(true);
    },
  );
});
