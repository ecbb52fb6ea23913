import { MetaBadResponseError } from './errors.js';
import { collectAll, describeIssues, eachPage } from './paging.js';
import {
  type AccountNode,
  type AdNode,
  type AdSetNode,
  accountNodeSchema,
  adNodeSchema,
  adSetNodeSchema,
  type CampaignNode,
  campaignNodeSchema,
} from './schemas.js';
import type { GraphTransport } from './transport.js';
import { normalizeAccountId } from './usage-headers.js';

/**
 * Whole levels through the account's edges, paged with a large `limit` — never one call per object.
 * Every field asked for exists in Meta's spec for that node (test/unit/meta/fields.test.ts checks it).
 * Ads have no budget of their own, so none is asked of them.
 */
export const ACCOUNT_FIELDS = [
  'id',
  'name',
  'currency',
  'timezone_name',
  'account_status',
  'min_daily_budget',
] as const;
export const CAMPAIGN_FIELDS = [
  'id',
  'name',
  'status',
  'configured_status',
  'effective_status',
  'daily_budget',
  'lifetime_budget',
] as const;
export const ADSET_FIELDS = [
  'id',
  'name',
  'campaign_id',
  'status',
  'configured_status',
  'effective_status',
  'daily_budget',
  'lifetime_budget',
  'learning_stage_info',
] as const;
export const AD_FIELDS = [
  'id',
  'name',
  'adset_id',
  'campaign_id',
  'status',
  'configured_status',
  'effective_status',
] as const;

export interface ListOptions {
  /** Meta's effective_status filter; by default edges return everything but archived and deleted objects. */
  effectiveStatus?: readonly string[];
}

export async function getAdAccount(transport: GraphTransport, accountId: string): Promise<AccountNode> {
  const account = normalizeAccountId(accountId);
  const res = await transport.request({
    method: 'GET',
    path: account,
    params: { fields: ACCOUNT_FIELDS.join(',') },
    accountId: account,
  });
  const parsed = accountNodeSchema.safeParse(res.data);
  if (!parsed.success) {
    throw new MetaBadResponseError(
      { method: 'GET', path: account },
      `not an ad account (${describeIssues(parsed.error)})`,
    );
  }
  return parsed.data;
}

function edgeRequest(
  transport: GraphTransport,
  accountId: string,
  edge: string,
  fields: readonly string[],
  opts: ListOptions,
) {
  const account = normalizeAccountId(accountId);
  const params: Record<string, unknown> = { fields: fields.join(','), limit: transport.config.pageSize };
  if (opts.effectiveStatus?.length) params.effective_status = [...opts.effectiveStatus];
  return { method: 'GET' as const, path: `${account}/${edge}`, params, accountId: account };
}

export function listCampaigns(
  transport: GraphTransport,
  accountId: string,
  opts: ListOptions = {},
): Promise<CampaignNode[]> {
  return collectAll(
    transport,
    edgeRequest(transport, accountId, 'campaigns', CAMPAIGN_FIELDS, opts),
    campaignNodeSchema,
  );
}

export function listAdSets(
  transport: GraphTransport,
  accountId: string,
  opts: ListOptions = {},
): Promise<AdSetNode[]> {
  return collectAll(
    transport,
    edgeRequest(transport, accountId, 'adsets', ADSET_FIELDS, opts),
    adSetNodeSchema,
  );
}

export function listAds(
  transport: GraphTransport,
  accountId: string,
  opts: ListOptions = {},
): Promise<AdNode[]> {
  return collectAll(transport, edgeRequest(transport, accountId, 'ads', AD_FIELDS, opts), adNodeSchema);
}

// Page by page, for callers that normalise as they go instead of holding raw nodes.
export function eachCampaignPage(
  transport: GraphTransport,
  accountId: string,
  onPage: (nodes: CampaignNode[]) => void,
  opts: ListOptions = {},
): Promise<void> {
  return eachPage(
    transport,
    edgeRequest(transport, accountId, 'campaigns', CAMPAIGN_FIELDS, opts),
    campaignNodeSchema,
    onPage,
  );
}

export function eachAdSetPage(
  transport: GraphTransport,
  accountId: string,
  onPage: (nodes: AdSetNode[]) => void,
  opts: ListOptions = {},
): Promise<void> {
  return eachPage(
    transport,
    edgeRequest(transport, accountId, 'adsets', ADSET_FIELDS, opts),
    adSetNodeSchema,
    onPage,
  );
}

export function eachAdPage(
  transport: GraphTransport,
  accountId: string,
  onPage: (nodes: AdNode[]) => void,
  opts: ListOptions = {},
): Promise<void> {
  return eachPage(transport, edgeRequest(transport, accountId, 'ads', AD_FIELDS, opts), adNodeSchema, onPage);
}
