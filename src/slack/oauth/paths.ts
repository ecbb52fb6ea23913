/** Where `metabuyer serve` runs Slack's install flow (Bolt's installer; ../shared/ARCHITECTURE.md). */
export const INSTALL_PATH = '/slack/install';
export const REDIRECT_URI_PATH = '/slack/oauth_redirect';
