/**
 * GET /meta/oauth/callback — where Meta's login dialog sends the browser back. Framework-free so that
 * `metabuyer serve` (or a test's node:http server) can mount it: it takes the parsed query and answers
 * a status and a small HTML page saying what happened and how to get back to Slack.
 *
 * Every value on the page is HTML-escaped. No token, code, state or secret is ever put on a page: the
 * pages are built only from the outcome (ad account names and ids, currencies, Slack ids).
 */
import type { AppContext } from '../app/context.js';
import { toAppError } from '../lib/errors.js';
import { type CallbackOutcome, type CallbackProblem, completeMetaOAuth } from '../ops/meta-oauth.js';

export { META_OAUTH_CALLBACK_PATH } from '../meta/oauth.js';

export interface HtmlResponse {
  status: number;
  html: string;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** Back to Slack: the channel the button was pressed for, or the workspace. */
export function slackLink(teamId: string | null, channelId: string | null): string | null {
  if (!teamId) return null;
  if (channelId) {
    const q = new URLSearchParams({ team: teamId, channel: channelId });
    return `https://slack.com/app_redirect?${q}`;
  }
  return `slack://open?team=${encodeURIComponent(teamId)}`;
}

const PROBLEMS: Record<CallbackProblem, { status: number; title: string; text: string }> = {
  bad_request: {
    status: 400,
    title: 'This is not a complete Facebook login answer',
    text: 'The address is missing its login state or code. Open MetaBuyer in Slack and press Connect with Facebook again.',
  },
  state_unknown: {
    status: 400,
    title: 'This login link is not one MetaBuyer issued',
    text: 'Nothing was connected. Open MetaBuyer in Slack and press Connect with Facebook again.',
  },
  state_expired: {
    status: 400,
    title: 'This login link has expired',
    text: 'Login links are valid for 15 minutes. Nothing was connected: press Connect with Facebook again in Slack.',
  },
  state_used: {
    status: 400,
    title: 'This login link has already been used',
    text: 'Each login link works once, so a reloaded or shared page cannot connect anything. Press Connect with Facebook again in Slack if you still need to.',
  },
  denied: {
    status: 200,
    title: 'Facebook login cancelled',
    text: 'You cancelled the Facebook login, so nothing was connected. You can press Connect with Facebook again in Slack at any time.',
  },
  not_configured: {
    status: 500,
    title: 'Connect with Facebook is not set up here',
    text: 'MetaBuyer is missing META_APP_ID, META_APP_SECRET or PUBLIC_URL. Ask whoever runs MetaBuyer to set them; nothing was connected.',
  },
  code_used: {
    status: 400,
    title: 'Facebook says this login was already used',
    text: 'Nothing was connected. Press Connect with Facebook again in Slack.',
  },
  code_expired: {
    status: 400,
    title: 'Facebook says this login has expired',
    text: 'Facebook login codes last 10 minutes. Nothing was connected: press Connect with Facebook again in Slack.',
  },
  redirect_mismatch: {
    status: 502,
    title: 'Facebook refused the login: the return address does not match',
    text: "PUBLIC_URL must be exactly the address listed in the Meta app's Valid OAuth Redirect URIs (…/meta/oauth/callback). Ask whoever runs MetaBuyer to fix it; nothing was connected.",
  },
  app_secret_invalid: {
    status: 502,
    title: 'Facebook refused the login: the app secret is wrong',
    text: 'META_APP_SECRET does not match the Meta app. Ask whoever runs MetaBuyer to copy it again from App settings → Basic; nothing was connected.',
  },
  app_invalid: {
    status: 502,
    title: 'Facebook does not know this app',
    text: 'META_APP_ID is not a valid Meta app id. Ask whoever runs MetaBuyer to fix it; nothing was connected.',
  },
  token_unusable: {
    status: 502,
    title: 'Facebook gave a login that does not work',
    text: 'Nothing was connected. Log in to facebook.com to clear any prompt there, then press Connect with Facebook again in Slack.',
  },
  exchange_failed: {
    status: 502,
    title: 'Facebook could not complete the login',
    text: 'Nothing was connected. Try again in a minute from Slack; if it keeps failing, ask whoever runs MetaBuyer to check its logs.',
  },
  missing_permission: {
    status: 400,
    title: 'MetaBuyer needs more permissions',
    text: 'Nothing was connected. Press Connect with Facebook again in Slack and keep every permission switched on (use "Edit access" on the Facebook screen).',
  },
  no_ad_accounts: {
    status: 400,
    title: 'No active ad account on this Facebook user',
    text: 'Nothing was connected. Log in with a Facebook user that has an active ad account (Business Settings → Ad accounts), then press Connect with Facebook again.',
  },
};

function layout(title: string, body: string, back: string | null): string {
  const link = back
    ? `<p><a id="back-to-slack" href="${escapeHtml(back)}">Back to Slack</a></p>`
    : '<p>You can close this tab and return to Slack.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · MetaBuyer</title>
<style>body{font-family:system-ui,sans-serif;max-width:560px;margin:48px auto;padding:0 16px;color:#1d1c1d}h1{font-size:22px}</style>
</head><body><main>
<h1 id="title">${escapeHtml(title)}</h1>
${body}
${link}
</main></body></html>`;
}

export function renderOutcome(o: CallbackOutcome): HtmlResponse {
  const back = slackLink(o.teamId, o.channelId);
  if (!o.ok) {
    const p = PROBLEMS[o.problem];
    const missing =
      o.missing && o.missing.length > 0
        ? `<p id="missing">Missing: ${o.missing.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}.</p>`
        : '';
    return {
      status: p.status,
      html: layout(
        p.title,
        `<p id="problem" data-problem="${o.problem}">${escapeHtml(p.text)}</p>${missing}`,
        back,
      ),
    };
  }
  const items = o.accounts
    .map(
      (a) =>
        `<li data-ad-account="${escapeHtml(a.adAccountId)}">${escapeHtml(a.name)} (${escapeHtml(a.adAccountId)}, ${escapeHtml(a.currency)})</li>`,
    )
    .join('');
  const optional =
    o.missingRecommended.length > 0
      ? `<p>Optional permissions not granted: ${o.missingRecommended.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')} (only needed for test creatives).</p>`
      : '';
  const expiry = o.tokenExpiresAt
    ? `<p>The login lasts until ${escapeHtml(o.tokenExpiresAt.slice(0, 10))}; MetaBuyer renews it a week before it ends.</p>`
    : '';
  return {
    status: 200,
    html: layout(
      'Facebook connected',
      `<p id="next">One step left: go back to Slack and choose the ad account this agent should manage.</p>
<ul id="accounts">${items}</ul>${optional}${expiry}`,
      back,
    ),
  };
}

export interface CallbackHooks {
  /** Runs before the page is answered (e.g. re-publish the user's App Home); must not throw. */
  onOutcome?: (outcome: CallbackOutcome) => Promise<void>;
}

/** The route handler: a parsed query in, a page out. Never throws. */
export async function handleMetaOAuthCallback(
  ctx: AppContext,
  query: URLSearchParams | Record<string, string | undefined>,
  hooks: CallbackHooks = {},
): Promise<HtmlResponse> {
  const q: Record<string, string | undefined> =
    query instanceof URLSearchParams ? Object.fromEntries(query) : query;
  try {
    const outcome = await completeMetaOAuth(ctx, q);
    await hooks
      .onOutcome?.(outcome)
      .catch((e: unknown) =>
        ctx.logger.warn('meta oauth callback hook failed', { code: toAppError(e).code }),
      );
    return renderOutcome(outcome);
  } catch (e) {
    ctx.logger.error('meta oauth callback failed', { code: toAppError(e).code });
    return renderOutcome({
      ok: false,
      problem: 'exchange_failed',
      teamId: null,
      userId: null,
      channelId: null,
    });
  }
}
