import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../../http/meta-oauth-callback.js';
import { AppError } from '../../lib/errors.js';

/**
 * The pages a browser lands on at the end of Slack's install flow (`/slack/oauth_redirect`). They say
 * what happened and what to do next; everything interpolated is HTML-escaped (a team name is whatever
 * its admins typed), and nothing secret is ever shown.
 */
/** What Bolt's installer hands the failure callback (its CodedError, or our AppError). */
export interface InstallFailure extends Error {
  code: string;
}

export interface InstallPage {
  status: number;
  title: string;
  body: string;
}

export function installedPage(team: { id: string; name?: string | undefined }): InstallPage {
  const name = team.name ? `${team.name} (${team.id})` : team.id;
  return {
    status: 200,
    title: 'MetaBuyer is installed',
    body: `<p id="outcome" data-outcome="installed">MetaBuyer is installed in the Slack workspace ${escapeHtml(name)}.</p>
<p>Next: invite <b>@MetaBuyer</b> to the channel that should get reports, then type <code>/metabuyer help</code> there.</p>`,
  };
}

/** Slack's oauth.v2.access refusals, in words an installing admin can act on. */
const SLACK_REFUSALS: Record<string, string> = {
  invalid_code: 'the install code was already used or has expired',
  bad_redirect_uri:
    "the redirect address does not match the one registered for the app (check PUBLIC_URL and the app's Redirect URLs)",
  invalid_client_id: 'the app Client ID is not one Slack knows (check SLACK_CLIENT_ID)',
  bad_client_secret: 'the app Client Secret is wrong (check SLACK_CLIENT_SECRET)',
};

export function failedPage(error: InstallFailure, installPath: string): InstallPage {
  const again = `<p><a id="start-again" href="${escapeHtml(installPath)}">Start the install again</a>.</p>`;
  const page = (status: number, why: string, retry = true): InstallPage => ({
    status,
    title: 'MetaBuyer was not installed',
    body: `<p id="outcome" data-outcome="failed" data-reason="${escapeHtml(error.code)}">MetaBuyer was not installed: ${escapeHtml(why)}. Nothing was stored.</p>${retry ? again : ''}`,
  });
  switch (error.code) {
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return page(400, 'this install link has expired or was not started in this browser');
    case 'slack_oauth_missing_code':
      return page(400, 'Slack did not send an install code');
    case 'slack_oauth_installer_authorization_error':
      return page(400, 'the install was cancelled in Slack');
    case 'slack_webapi_platform_error': {
      const slackCode = String((error as { data?: { error?: unknown } }).data?.error ?? 'unknown_error');
      return page(
        502,
        `Slack refused it (${slackCode}: ${SLACK_REFUSALS[slackCode] ?? 'see Slack’s documentation of oauth.v2.access'})`,
      );
    }
    default:
      // Our own refusals (an org-wide install, an incomplete answer) carry an operator message.
      if (error instanceof AppError)
        return page(400, error.message.replace(/\s*Nothing was stored\.$/, ''), false);
      return page(500, 'something went wrong on the MetaBuyer server (see its log)');
  }
}

export function sendPage(res: ServerResponse, page: InstallPage): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${escapeHtml(page.title)} · MetaBuyer</title></head>
<body><h1>${escapeHtml(page.title)}</h1>
${page.body}
</body></html>`;
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}
