/**
 * The bot scopes MetaBuyer asks for at install: exactly the `oauth_config.scopes.bot` of manifest.json
 * (test/unit/manifest.test.ts keeps the two equal). No user scopes: MetaBuyer acts only as its bot.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
  'users:read',
  'usergroups:read',
] as const;
