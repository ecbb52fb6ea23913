import type { AppContext } from '../app/context.js';
import { formatMoney } from '../domain/money.js';
import { toAppError } from '../lib/errors.js';
import type { MetaClient } from '../meta/client.js';
import { addDays, localDate } from '../meta/dates.js';
import { MetaApiError } from '../meta/errors.js';
import type { InsightsLevel } from '../meta/insights.js';
import { parseMinorUnits } from '../meta/money.js';
import type { AdSetNode, CampaignNode } from '../meta/schemas.js';
import { resolveAgent } from './agent-scope.js';
import { withMeta } from './credentials.js';
import type { CheckStatus } from './doctor.js';
import { grantedPermissions, permissionReport, RECOMMENDED_PERMISSIONS } from './permissions.js';

export interface UseCaseResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface VerifyUseCasesResult {
  adAccountId: string;
  environment: 'sandbox' | 'live';
  /** The Page probed, from --page-id or the connection; null when there was none (Page checks skipped). */
  pageId: string | null;
  useCases: UseCaseResult[];
  /** False only if Meta applied something it was asked merely to validate (we read it back to know). */
  wroteNothing: boolean;
}

const EXPIRY_WARNING_DAYS = 7;
/** Where a dry-run (and a sandbox) link creative points; it is never delivered. */
export const SANDBOX_LINK = 'https://example.com/metabuyer-sandbox';

/**
 * Meta's own words for a failed call, then ours. Meta's message text is what an operator pastes into a
 * search or a support ticket, so it is quoted as sent; our message adds what to do about it.
 */
export function metaFailureText(ctx: AppContext, e: unknown): string {
  const err = toAppError(e);
  let text = err.message;
  if (err instanceof MetaApiError && err.metaMessage) {
    const code =
      err.metaSubcode === null ? `code ${err.metaCode}` : `code ${err.metaCode}/${err.metaSubcode}`;
    text = `Meta says "${err.metaMessage}" (${code}). ${err.message}`;
    if (isDevelopmentModeError(err)) {
      text += ' The Meta app is in development mode: switch it to Live in the App Dashboard, then try again.';
    }
  }
  return ctx.redactor.string(text);
}

/** Meta refuses ads whose creative came from an app still in development mode (100/1885183). */
function isDevelopmentModeError(err: MetaApiError): boolean {
  return (
    err.metaSubcode === 1885183 ||
    /development mode/i.test(`${err.metaMessage ?? ''} ${err.userTitle ?? ''} ${err.userMessage ?? ''}`)
  );
}

const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id, 'en', { numeric: true });

function budgetOf(node: { daily_budget?: string | number | undefined }): number | null {
  if (node.daily_budget === undefined || node.daily_budget === '') return null;
  const n = parseMinorUnits(node.daily_budget);
  return n > 0 ? n : null;
}

const isActive = (n: { status: string; effective_status: string }) =>
  n.effective_status === 'ACTIVE' || n.status === 'ACTIVE';

type Probed = { id: string; name: string; level: 'campaign' | 'adset' };
const LEVEL: Record<'campaign' | 'adset' | 'ad', string> = {
  campaign: 'campaign',
  adset: 'ad set',
  ad: 'ad',
};

/**
 * Probes every Meta endpoint MetaBuyer needs, for the connected ad account, and reports each use case as
 * pass, warn or fail with Meta's own error text. It writes nothing: the two writes it probes (status and
 * daily budget) are sent with execution_options=["validate_only"], which Meta checks without applying,
 * and the probed objects are read back afterwards to prove it. Insights are read synchronously only (an
 * async report run is itself a POST). A creative is probed the same way: Meta's spec lists
 * validate_only for the adcreatives edge, so nothing is created.
 */
export async function verifyUseCases(
  ctx: AppContext,
  input: { adAccount?: string; pageId?: string },
): Promise<VerifyUseCasesResult> {
  const { agent, connection } = await resolveAgent(ctx, input.adAccount);
  const account = agent.adAccountId;
  const pageId = input.pageId ?? connection.pageId ?? null;
  const useCases: UseCaseResult[] = [];
  const add = (name: string, status: CheckStatus, detail: string) =>
    useCases.push({ name, status, detail: ctx.redactor.string(detail) });
  const failed = (name: string, what: string, e: unknown) =>
    add(name, 'fail', `${what} failed. ${metaFailureText(ctx, e)}`);
  let wroteNothing = true;

  await withMeta(ctx, connection, async (client) => {
    let currency = agent.currency;
    let timezone = agent.timezoneName ?? 'UTC';
    try {
      const a = await client.getAdAccount(account);
      currency = a.currency;
      timezone = a.timezone_name;
      const active = Number(a.account_status) === 1;
      add(
        'ad_account_read',
        active ? 'pass' : 'warn',
        active
          ? `Read ${a.name} (${account}, ${a.currency}, ${a.timezone_name}).`
          : `Read ${a.name} (${account}), but its account_status is ${a.account_status}, not 1 (active): it cannot deliver; check billing in Ads Manager.`,
      );
    } catch (e) {
      failed('ad_account_read', `Reading ${account}`, e);
    }

    let campaigns: CampaignNode[] = [];
    let adsets: AdSetNode[] = [];
    try {
      campaigns = (await client.listCampaigns(account)).sort(byId);
      add('campaigns_list', 'pass', `Listed ${campaigns.length} campaign(s) through ${account}/campaigns.`);
    } catch (e) {
      failed('campaigns_list', 'Listing campaigns', e);
    }
    try {
      adsets = (await client.listAdSets(account)).sort(byId);
      const withInfo = adsets.filter((s) => s.learning_stage_info !== undefined);
      const learning = withInfo.filter((s) => s.learning_stage_info?.status === 'LEARNING').length;
      add(
        'adsets_list',
        'pass',
        `Listed ${adsets.length} ad set(s) with learning_stage_info; Meta returned it for ${withInfo.length} (${learning} in LEARNING).`,
      );
    } catch (e) {
      failed('adsets_list', 'Listing ad sets with learning_stage_info', e);
    }
    try {
      const ads = await client.listAds(account);
      add('ads_list', 'pass', `Listed ${ads.length} ad(s) through ${account}/ads.`);
    } catch (e) {
      failed('ads_list', 'Listing ads', e);
    }

    const day = addDays(localDate(ctx.clock.now(), timezone), -1);
    for (const level of ['campaign', 'adset', 'ad'] as const) {
      await probeInsights(client, account, level, day, add, failed);
    }

    const probed: Array<Probed & { status: string; budget: number | null }> = [];
    const statusTarget = chooseStatusTarget(campaigns, adsets);
    if (!statusTarget) {
      add(
        'status_write_validate',
        'warn',
        'Not probed: the account has no campaign or ad set to validate a status change on.',
      );
    } else {
      const to = isActive(statusTarget.node) ? 'PAUSED' : statusTarget.node.status;
      const what = `A validate_only status change of ${LEVEL[statusTarget.level]} ${statusTarget.node.id} ("${statusTarget.node.name}") to ${to}`;
      try {
        const r = await client.setStatus(statusTarget.node.id, to === 'ACTIVE' ? 'ACTIVE' : 'PAUSED', {
          validateOnly: true,
          accountId: account,
        });
        add(
          'status_write_validate',
          r.outcome === 'validated' ? 'pass' : 'fail',
          r.outcome === 'validated'
            ? `${what}: Meta accepted it; nothing changed.`
            : `${what}: Meta answered ${r.outcome} instead of validating it.`,
        );
      } catch (e) {
        failed('status_write_validate', what, e);
      }
      probed.push({
        id: statusTarget.node.id,
        name: statusTarget.node.name,
        level: statusTarget.level,
        status: statusTarget.node.status,
        budget: budgetOf(statusTarget.node),
      });
    }

    const holder = chooseBudgetHolder(campaigns, adsets, statusTarget);
    if (!holder) {
      add(
        'budget_write_validate',
        'warn',
        'Not probed: no campaign or ad set in the account holds a daily budget (lifetime budgets only, or an empty account).',
      );
    } else {
      const from = holder.budget;
      const to = from + Math.max(1, Math.round(from / 10));
      const what = `A validate_only daily budget change of ${LEVEL[holder.level]} ${holder.node.id} ("${holder.node.name}") from ${formatMoney(from, currency)} to ${formatMoney(to, currency)}`;
      try {
        const r = await client.setDailyBudget(holder.node.id, to, { validateOnly: true, accountId: account });
        add(
          'budget_write_validate',
          r.outcome === 'validated' ? 'pass' : 'fail',
          r.outcome === 'validated'
            ? `${what}: Meta accepted it; the budget stays ${formatMoney(from, currency)}.`
            : `${what}: Meta answered ${r.outcome} instead of validating it.`,
        );
      } catch (e) {
        failed('budget_write_validate', what, e);
      }
      if (!probed.some((p) => p.id === holder.node.id)) {
        probed.push({
          id: holder.node.id,
          name: holder.node.name,
          level: holder.level,
          status: holder.node.status,
          budget: from,
        });
      }
    }

    // The promise of this command: read back what we dry-ran and confirm Meta left it as it was.
    if (probed.length > 0) {
      const changed: string[] = [];
      const unread: string[] = [];
      for (const p of probed) {
        try {
          const live = await client.getLive(p.id, p.level, account);
          if (live.status !== p.status || (p.budget !== null && live.dailyBudget !== p.budget)) {
            changed.push(
              `${LEVEL[p.level]} ${p.id} ("${p.name}"): status ${p.status} → ${live.status}, daily budget ${p.budget ?? '—'} → ${live.dailyBudget ?? '—'}`,
            );
          }
        } catch (e) {
          unread.push(`${LEVEL[p.level]} ${p.id}: ${metaFailureText(ctx, e)}`);
        }
      }
      const names = probed.map((p) => `${LEVEL[p.level]} ${p.id}`).join(' and ');
      if (changed.length > 0) {
        wroteNothing = false;
        add(
          'dry_run_left_unchanged',
          'fail',
          `Meta applied a validate_only write: ${changed.join('; ')}. Check it in Ads Manager.`,
        );
      } else if (unread.length > 0) {
        add('dry_run_left_unchanged', 'warn', `Could not read back after the dry runs: ${unread.join('; ')}`);
      } else {
        add(
          'dry_run_left_unchanged',
          'pass',
          `Read back ${names} after the dry runs: status and budget unchanged.`,
        );
      }
    }

    await probeToken(ctx, client, add, failed);
    await probePermissions(client, pageId !== null, add, failed);
    if (pageId !== null) {
      const fromFlag = input.pageId !== undefined;
      await probePage(client, pageId, fromFlag, add, failed);
      wroteNothing = (await probeCreative(client, account, pageId, add, failed)) && wroteNothing;
    }
  });

  return { adAccountId: account, environment: connection.environment, pageId, useCases, wroteNothing };
}

type Add = (name: string, status: CheckStatus, detail: string) => void;
type Failed = (name: string, what: string, e: unknown) => void;

const INSIGHTS_ID_FIELD: Record<Exclude<InsightsLevel, 'account'>, string> = {
  campaign: 'campaign_id',
  adset: 'adset_id',
  ad: 'ad_id',
};

async function probeInsights(
  client: MetaClient,
  account: string,
  level: 'campaign' | 'adset' | 'ad',
  day: string,
  add: Add,
  failed: Failed,
): Promise<void> {
  const name = `insights_${level}`;
  try {
    const rows = await client.insights(
      {
        accountId: account,
        level,
        fields: [INSIGHTS_ID_FIELD[level], 'spend', 'impressions'],
        timeRange: { since: day, until: day },
      },
      // Sync only: an async report run is a POST, and this command sends no write.
      'sync',
    );
    add(
      name,
      'pass',
      `Read ${LEVEL[level]}-level insights for ${day}: ${rows.length} row(s)${rows.length === 0 ? ' (no delivery that day; a sandbox account never delivers)' : ''}.`,
    );
  } catch (e) {
    if (e instanceof MetaApiError && e.tooMuchData) {
      add(
        name,
        'warn',
        `Meta says ${LEVEL[level]}-level insights for ${day} are too much for a synchronous call (code ${e.metaCode}/${e.metaSubcode}). The poll switches to an async report run for this; it is not tried here because starting one is a POST.`,
      );
      return;
    }
    failed(name, `Reading ${LEVEL[level]}-level insights for ${day}`, e);
  }
}

type StatusTarget = { level: 'campaign' | 'adset'; node: CampaignNode | AdSetNode };

/** An ACTIVE ad set (what the executor pauses most), else an ACTIVE campaign, else anything there is. */
function chooseStatusTarget(campaigns: CampaignNode[], adsets: AdSetNode[]): StatusTarget | undefined {
  const adset = adsets.find(isActive);
  if (adset) return { level: 'adset', node: adset };
  const campaign = campaigns.find(isActive);
  if (campaign) return { level: 'campaign', node: campaign };
  if (adsets[0]) return { level: 'adset', node: adsets[0] };
  if (campaigns[0]) return { level: 'campaign', node: campaigns[0] };
  return undefined;
}

type BudgetHolder = StatusTarget & { budget: number };

/**
 * Whoever holds the daily budget of the status target (the ad set, or its campaign under a campaign
 * budget), else any active budget holder, else any budget holder at all.
 */
function chooseBudgetHolder(
  campaigns: CampaignNode[],
  adsets: AdSetNode[],
  target: StatusTarget | undefined,
): BudgetHolder | undefined {
  const holder = (level: 'campaign' | 'adset', node: CampaignNode | AdSetNode | undefined) => {
    const budget = node ? budgetOf(node) : null;
    return node && budget !== null ? { level, node, budget } : undefined;
  };
  if (target?.level === 'adset') {
    const own = holder('adset', target.node);
    if (own) return own;
    const parent = holder(
      'campaign',
      campaigns.find((c) => c.id === (target.node as AdSetNode).campaign_id),
    );
    if (parent) return parent;
  } else if (target) {
    const own = holder('campaign', target.node);
    if (own) return own;
  }
  return (
    holder(
      'adset',
      adsets.find((s) => isActive(s) && budgetOf(s) !== null),
    ) ??
    holder(
      'campaign',
      campaigns.find((c) => isActive(c) && budgetOf(c) !== null),
    ) ??
    holder(
      'adset',
      adsets.find((s) => budgetOf(s) !== null),
    ) ??
    holder(
      'campaign',
      campaigns.find((c) => budgetOf(c) !== null),
    )
  );
}

async function probeToken(ctx: AppContext, client: MetaClient, add: Add, failed: Failed): Promise<void> {
  try {
    const info = await client.debugToken();
    const who = `${info.type ?? 'unknown type'} token for app ${info.appId ?? '?'}`;
    if (!info.isValid) {
      add(
        'token_debug',
        'fail',
        `debug_token says the token is not valid${info.error?.message ? `: Meta says "${info.error.message}"` : ''}. Generate a new one and run \`metabuyer connect\`.`,
      );
    } else if (!info.expiresAt) {
      add('token_debug', 'pass', `debug_token: a valid ${who}; it never expires.`);
    } else {
      const days = (info.expiresAt.getTime() - ctx.clock.now().getTime()) / 86_400_000;
      add(
        'token_debug',
        days < EXPIRY_WARNING_DAYS ? 'warn' : 'pass',
        days < EXPIRY_WARNING_DAYS
          ? `debug_token: a valid ${who}, but it expires on ${info.expiresAt.toISOString()}: renew it soon, or use a System User token.`
          : `debug_token: a valid ${who}; it expires on ${info.expiresAt.toISOString()}.`,
      );
    }
  } catch (e) {
    failed('token_debug', 'debug_token', e);
  }
}

async function probePermissions(
  client: MetaClient,
  pagesWanted: boolean,
  add: Add,
  failed: Failed,
): Promise<void> {
  try {
    const granted = grantedPermissions(await client.getPermissions());
    const { missingRequired, missingRecommended } = permissionReport(granted);
    const list = granted.length > 0 ? granted.join(', ') : 'none';
    if (missingRequired.length > 0) {
      add(
        'permissions',
        'fail',
        `me/permissions: missing ${missingRequired.join(', ')} (granted: ${list}). Grant them to the token (System User in Business Settings) and connect again.`,
      );
    } else if (pagesWanted && missingRecommended.length > 0) {
      add(
        'permissions',
        'warn',
        `me/permissions: granted ${list}; missing ${missingRecommended.join(', ')}, which sandbox creatives need (${RECOMMENDED_PERMISSIONS.join(', ')}).`,
      );
    } else {
      add('permissions', 'pass', `me/permissions: granted ${list}.`);
    }
  } catch (e) {
    failed('permissions', 'me/permissions', e);
  }
}

async function probePage(
  client: MetaClient,
  pageId: string,
  fromFlag: boolean,
  add: Add,
  failed: Failed,
): Promise<void> {
  const source = fromFlag ? '' : ' (the Page stored with the connection)';
  try {
    const pages = await client.listPages();
    const page = pages.find((p) => p.id === pageId);
    if (page) {
      add(
        'page_access',
        'pass',
        `Page ${pageId}${source} (${page.name ?? 'unnamed'}) is reachable through me/accounts.`,
      );
    } else {
      add(
        'page_access',
        'fail',
        `Page ${pageId}${source} is not among the ${pages.length} Page(s) this token reaches through me/accounts: give the user or System User access to the Page and grant pages_show_list.`,
      );
    }
  } catch (e) {
    failed('page_access', 'me/accounts', e);
  }
}

/** Returns false when Meta created something it was asked only to validate. */
async function probeCreative(
  client: MetaClient,
  account: string,
  pageId: string,
  add: Add,
  failed: Failed,
): Promise<boolean> {
  const what = `A validate_only link creative for Page ${pageId} (${account}/adcreatives)`;
  try {
    const res = await client.request({
      method: 'POST',
      path: `${account}/adcreatives`,
      params: {
        name: '[MetaBuyer sandbox] creative dry run',
        object_story_spec: {
          page_id: pageId,
          link_data: { link: SANDBOX_LINK, message: 'MetaBuyer dry run' },
        },
        execution_options: ['validate_only'],
      },
      // A dry run changes nothing, so it may be retried like a read.
      kind: 'read',
      accountId: account,
    });
    const data = (res.data ?? {}) as { success?: unknown; id?: unknown };
    if (data.id !== undefined) {
      add(
        'creative_validate',
        'fail',
        `${what}: Meta ignored validate_only and created creative ${String(data.id)}; delete it in Ads Manager.`,
      );
      return false;
    }
    add(
      'creative_validate',
      data.success === true ? 'pass' : 'warn',
      data.success === true
        ? `${what}: Meta accepted it (its spec lists validate_only for adcreatives); nothing was created. An ad cannot be dry-run without a real creative; \`metabuyer seed-sandbox\` creates one in a sandbox.`
        : `${what}: Meta answered without success:true, so the dry run proves nothing; nothing was created.`,
    );
  } catch (e) {
    failed('creative_validate', what, e);
  }
  return true;
}
