import type { z } from 'zod';
import type { Activity } from '../domain/activity.js';
import type { Level } from '../domain/snapshot.js';
import { type ActivitiesQuery, readActivities } from './activities.js';
import { type BatchItemResult, type BatchOptions, type BatchRequest, executeBatch } from './batch.js';
import { type MetaClientOptions, type MetaConfig, resolveMetaConfig } from './config.js';
import {
  type AdAccountSummary,
  debugToken,
  exchangeCode,
  exchangeForLongLivedToken,
  getPermissions,
  type IssuedToken,
  listAdAccounts,
  listPages,
  type PageSummary,
  type PermissionGrant,
  type TokenInfo,
} from './identity.js';
import { eachInsightsPage, fetchInsights, type InsightsMode, type InsightsQuery } from './insights.js';
import { paginate } from './paging.js';
import {
  eachAdPage,
  eachAdSetPage,
  eachCampaignPage,
  getAdAccount,
  type ListOptions,
  listAdSets,
  listAds,
  listCampaigns,
} from './reads.js';
import type { AccountNode, AdNode, AdSetNode, CampaignNode, InsightsRow } from './schemas.js';
import { type GraphRequest, type GraphResponse, GraphTransport } from './transport.js';
import {
  type AdCreativeSpec,
  type AdSetSpec,
  type AdSpec,
  type CampaignSpec,
  createAd,
  createAdCreative,
  createAdSet,
  createCampaign,
  getLive,
  type LiveState,
  setDailyBudget,
  setStatus,
  type WriteOptions,
  type WriteResult,
} from './writes.js';

/**
 * MetaBuyer's Meta Graph API client. One instance per connection (access token); instances made with
 * `withAccessToken` share the usage store, so they slow down and stop together.
 */
export class MetaClient {
  readonly transport: GraphTransport;

  constructor(config: MetaConfig) {
    this.transport = new GraphTransport(config);
  }

  get config(): MetaConfig {
    return this.transport.config;
  }

  get apiVersion(): string {
    return this.transport.config.apiVersion;
  }

  /** Meta's clock, from the Date header of its latest answer; undefined before any answer. */
  get metaNow(): Date | undefined {
    return this.transport.metaNow;
  }

  /** HTTP calls sent by this client so far, retries included. */
  get callsSent(): number {
    return this.transport.callsSent;
  }

  /** The same configuration with another token (e.g. to inspect a token before storing it). */
  withAccessToken(accessToken: string): MetaClient {
    return new MetaClient({ ...this.config, accessToken });
  }

  close(): void {
    this.transport.close();
  }

  // Low level: any Graph call, with the same signing, governance, retries and error mapping.
  request(req: GraphRequest): Promise<GraphResponse> {
    return this.transport.request(req);
  }

  paginate<T>(first: GraphRequest, item: z.ZodType<T>): AsyncGenerator<T, void, undefined> {
    return paginate(this.transport, first, item);
  }

  // Reads
  getAdAccount(accountId: string): Promise<AccountNode> {
    return getAdAccount(this.transport, accountId);
  }
  listCampaigns(accountId: string, opts?: ListOptions): Promise<CampaignNode[]> {
    return listCampaigns(this.transport, accountId, opts);
  }
  listAdSets(accountId: string, opts?: ListOptions): Promise<AdSetNode[]> {
    return listAdSets(this.transport, accountId, opts);
  }
  listAds(accountId: string, opts?: ListOptions): Promise<AdNode[]> {
    return listAds(this.transport, accountId, opts);
  }
  /** The account's activity log since an instant, every page (see activities.ts). */
  activities(query: ActivitiesQuery): Promise<Activity[]> {
    return readActivities(this.transport, query);
  }
  insights(query: InsightsQuery, mode?: InsightsMode): Promise<InsightsRow[]> {
    return fetchInsights(this.transport, query, mode);
  }
  // Page by page, for reads too large to hold raw: each page goes to onPage and is not kept.
  eachCampaignPage(
    accountId: string,
    onPage: (nodes: CampaignNode[]) => void,
    opts?: ListOptions,
  ): Promise<void> {
    return eachCampaignPage(this.transport, accountId, onPage, opts);
  }
  eachAdSetPage(accountId: string, onPage: (nodes: AdSetNode[]) => void, opts?: ListOptions): Promise<void> {
    return eachAdSetPage(this.transport, accountId, onPage, opts);
  }
  eachAdPage(accountId: string, onPage: (nodes: AdNode[]) => void, opts?: ListOptions): Promise<void> {
    return eachAdPage(this.transport, accountId, onPage, opts);
  }
  eachInsightsPage(
    query: InsightsQuery,
    onPage: (rows: InsightsRow[]) => void,
    mode: InsightsMode = 'auto',
  ): Promise<void> {
    return eachInsightsPage(this.transport, query, mode, onPage);
  }

  // Writes (see WriteResult for how an unknown outcome is reported)
  getLive(id: string, level: Level, accountId?: string): Promise<LiveState> {
    return getLive(this.transport, id, level, accountId);
  }
  setStatus(id: string, status: 'ACTIVE' | 'PAUSED', opts?: WriteOptions): Promise<WriteResult> {
    return setStatus(this.transport, id, status, opts);
  }
  setDailyBudget(id: string, minorUnits: number, opts?: WriteOptions): Promise<WriteResult> {
    return setDailyBudget(this.transport, id, minorUnits, opts);
  }
  createCampaign(accountId: string, spec: CampaignSpec): Promise<WriteResult<{ id: string }>> {
    return createCampaign(this.transport, accountId, spec);
  }
  createAdSet(accountId: string, spec: AdSetSpec): Promise<WriteResult<{ id: string }>> {
    return createAdSet(this.transport, accountId, spec);
  }
  createAdCreative(accountId: string, spec: AdCreativeSpec): Promise<WriteResult<{ id: string }>> {
    return createAdCreative(this.transport, accountId, spec);
  }
  createAd(accountId: string, spec: AdSpec): Promise<WriteResult<{ id: string }>> {
    return createAd(this.transport, accountId, spec);
  }
  batch(requests: readonly BatchRequest[], opts?: BatchOptions): Promise<BatchItemResult[]> {
    return executeBatch(this.transport, requests, opts);
  }

  // Identity
  debugToken(inputToken?: string): Promise<TokenInfo> {
    return debugToken(this.transport, inputToken);
  }
  getPermissions(): Promise<PermissionGrant[]> {
    return getPermissions(this.transport);
  }
  listAdAccounts(): Promise<AdAccountSummary[]> {
    return listAdAccounts(this.transport);
  }
  listPages(): Promise<PageSummary[]> {
    return listPages(this.transport);
  }
  exchangeForLongLivedToken(shortLivedToken: string): Promise<IssuedToken> {
    return exchangeForLongLivedToken(this.transport, shortLivedToken);
  }
  exchangeCode(args: { code: string; redirectUri: string }): Promise<IssuedToken> {
    return exchangeCode(this.transport, args);
  }
}

export function createMetaClient(opts: MetaClientOptions): MetaClient {
  return new MetaClient(resolveMetaConfig(opts));
}

export type { MetaClientOptions } from './config.js';
