import type { Level } from '../domain/snapshot.js';
import { AppError } from '../lib/errors.js';
import { MetaBadResponseError, WriteOutcomeUnknownError } from './errors.js';
import { parseMinorUnits } from './money.js';
import { describeIssues } from './paging.js';
import { safeParams } from './safe-url.js';
import { createdSchema, liveNodeSchema, successSchema } from './schemas.js';
import type { GraphTransport } from './transport.js';
import { normalizeAccountId } from './usage-headers.js';

/**
 * The result of a write. Meta refusing the write is an error (a MetaApiError, thrown); everything else is
 * a value the caller must look at:
 * - `applied`: Meta confirmed it.
 * - `validated`: a validate_only dry run that Meta accepted; nothing changed.
 * - `unknown`: the request may have reached Meta but no answer came back (timeout, connection cut, an
 *   outage page, an unreadable reply). It has not been resent and must not be resent blindly: read the
 *   object's live state (getLive) to learn whether it took effect.
 */
export type WriteResult<T = { success: true }> =
  | { outcome: 'applied'; id: string; data: T }
  | { outcome: 'validated'; id: string }
  | {
      outcome: 'unknown';
      id: string;
      reason: WriteOutcomeUnknownError['reason'];
      error: WriteOutcomeUnknownError;
      /** What was sent, without credentials, for the action log. */
      request: { method: string; path: string; params: Record<string, unknown> };
    };

export type WritableStatus = 'ACTIVE' | 'PAUSED';

export interface WriteOptions {
  /** Ask Meta to check the write without applying it (execution_options=["validate_only"]). */
  validateOnly?: boolean;
  /** The ad account the object belongs to, so the write spends (and respects) that account's budget. */
  accountId?: string;
}

function refuse(message: string, details: Record<string, unknown>): never {
  throw new AppError({ code: 'meta_write_refused', verdict: 'invalid', message, details });
}

function assertObjectId(id: string): void {
  if (!/^\d{1,25}$/.test(id)) refuse(`"${id}" is not a Meta object id.`, { id });
}

async function postUpdate(
  transport: GraphTransport,
  id: string,
  fields: Record<string, unknown>,
  opts: WriteOptions,
): Promise<WriteResult> {
  const params: Record<string, unknown> = { ...fields };
  if (opts.validateOnly) params.execution_options = ['validate_only'];
  const request = { method: 'POST', path: id, params: safeParams(params) };
  let data: unknown;
  try {
    const res = await transport.request({
      method: 'POST',
      path: id,
      params,
      // A dry run changes nothing, so it may be retried like a read.
      kind: opts.validateOnly ? 'read' : 'write',
      ...(opts.accountId ? { accountId: normalizeAccountId(opts.accountId) } : {}),
    });
    data = res.data;
  } catch (e) {
    if (e instanceof WriteOutcomeUnknownError)
      return { outcome: 'unknown', id, reason: e.reason, error: e, request };
    throw e;
  }
  const parsed = successSchema.safeParse(data);
  if (!parsed.success || !parsed.data.success) {
    const cause = new MetaBadResponseError(
      { method: 'POST', path: id },
      parsed.success ? 'success is false' : describeIssues(parsed.error),
    );
    if (opts.validateOnly) throw cause;
    const error = new WriteOutcomeUnknownError('unreadable_answer', { method: 'POST', path: id }, cause);
    return { outcome: 'unknown', id, reason: error.reason, error, request };
  }
  return opts.validateOnly
    ? { outcome: 'validated', id }
    : { outcome: 'applied', id, data: { success: true } };
}

/** Sets a campaign's, ad set's or ad's status. Only ACTIVE and PAUSED: ARCHIVED and DELETED are one-way. */
export async function setStatus(
  transport: GraphTransport,
  id: string,
  status: string,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  if (status !== 'ACTIVE' && status !== 'PAUSED') {
    refuse(
      `MetaBuyer only sets status ACTIVE or PAUSED, not "${status}" (archiving and deleting cannot be undone).`,
      {
        id,
        status,
      },
    );
  }
  assertObjectId(id);
  return postUpdate(transport, id, { status }, opts);
}

/** Sets a campaign's or ad set's daily budget, in minor units of the account currency. */
export async function setDailyBudget(
  transport: GraphTransport,
  id: string,
  minorUnits: number,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  if (!Number.isSafeInteger(minorUnits) || minorUnits <= 0) {
    refuse(`A daily budget must be a whole number of minor units above zero (got ${minorUnits}).`, {
      id,
      minorUnits,
    });
  }
  assertObjectId(id);
  return postUpdate(transport, id, { daily_budget: minorUnits }, opts);
}

export interface LiveState {
  id: string;
  level: Level;
  /** The configured status. */
  status: string;
  effectiveStatus: string | null;
  /** Minor units; null when the object holds no daily budget (and always for ads). */
  dailyBudget: number | null;
}

/** The object as Meta holds it now: what the executor compares with the plan before writing. */
export async function getLive(
  transport: GraphTransport,
  id: string,
  level: Level,
  accountId?: string,
): Promise<LiveState> {
  assertObjectId(id);
  const fields = level === 'ad' ? 'id,status,effective_status' : 'id,status,effective_status,daily_budget';
  const res = await transport.request({
    method: 'GET',
    path: id,
    params: { fields },
    ...(accountId ? { accountId: normalizeAccountId(accountId) } : {}),
  });
  const parsed = liveNodeSchema.safeParse(res.data);
  if (!parsed.success) {
    throw new MetaBadResponseError(
      { method: 'GET', path: id },
      `not a ${level} (${describeIssues(parsed.error)})`,
    );
  }
  const n = parsed.data;
  const budget =
    n.daily_budget === undefined || n.daily_budget === '' ? null : parseMinorUnits(n.daily_budget);
  return {
    id: n.id,
    level,
    status: n.status,
    effectiveStatus: n.effective_status ?? null,
    dailyBudget: budget === null || budget === 0 ? null : budget,
  };
}

async function create(
  transport: GraphTransport,
  accountId: string,
  edge: string,
  params: Record<string, unknown>,
): Promise<WriteResult<{ id: string }>> {
  const account = normalizeAccountId(accountId);
  const path = `${account}/${edge}`;
  const request = { method: 'POST', path, params: safeParams(params) };
  let data: unknown;
  try {
    data = (await transport.request({ method: 'POST', path, params, accountId: account })).data;
  } catch (e) {
    if (e instanceof WriteOutcomeUnknownError)
      return { outcome: 'unknown', id: '', reason: e.reason, error: e, request };
    throw e;
  }
  const parsed = createdSchema.safeParse(data);
  if (!parsed.success) {
    const error = new WriteOutcomeUnknownError(
      'unreadable_answer',
      { method: 'POST', path },
      new MetaBadResponseError({ method: 'POST', path }, describeIssues(parsed.error)),
    );
    return { outcome: 'unknown', id: '', reason: error.reason, error, request };
  }
  return { outcome: 'applied', id: parsed.data.id, data: { id: parsed.data.id } };
}

export interface CampaignSpec {
  name: string;
  /** Default OUTCOME_TRAFFIC, which a sandbox account accepts without a pixel. */
  objective?: string;
  /**
   * Required by Meta on every campaign create ([] or ["NONE"] when none applies). Default ["NONE"], as
   * Meta's special-ad-category guide uses for ordinary campaigns.
   */
  specialAdCategories?: readonly string[];
  /** Minor units; makes it a campaign-budget (CBO) campaign. */
  dailyBudget?: number;
}

/** Seeding only: every object is created PAUSED, so nothing can deliver or spend. */
export function createCampaign(transport: GraphTransport, accountId: string, spec: CampaignSpec) {
  const params: Record<string, unknown> = {
    name: spec.name,
    objective: spec.objective ?? 'OUTCOME_TRAFFIC',
    status: 'PAUSED',
    special_ad_categories: [...(spec.specialAdCategories ?? ['NONE'])],
  };
  if (spec.dailyBudget !== undefined) params.daily_budget = spec.dailyBudget;
  return create(transport, accountId, 'campaigns', params);
}

export interface AdSetSpec {
  name: string;
  campaignId: string;
  /** Minor units; leave out under a campaign budget. */
  dailyBudget?: number;
  billingEvent?: string;
  optimizationGoal?: string;
  bidStrategy?: string;
  targeting?: Record<string, unknown>;
}

export function createAdSet(transport: GraphTransport, accountId: string, spec: AdSetSpec) {
  const params: Record<string, unknown> = {
    name: spec.name,
    campaign_id: spec.campaignId,
    status: 'PAUSED',
    billing_event: spec.billingEvent ?? 'IMPRESSIONS',
    optimization_goal: spec.optimizationGoal ?? 'LINK_CLICKS',
    bid_strategy: spec.bidStrategy ?? 'LOWEST_COST_WITHOUT_CAP',
    targeting: spec.targeting ?? { geo_locations: { countries: ['US'] } },
  };
  if (spec.dailyBudget !== undefined) params.daily_budget = spec.dailyBudget;
  return create(transport, accountId, 'adsets', params);
}

export interface AdCreativeSpec {
  name: string;
  pageId: string;
  link: string;
  message?: string;
}

export function createAdCreative(transport: GraphTransport, accountId: string, spec: AdCreativeSpec) {
  return create(transport, accountId, 'adcreatives', {
    name: spec.name,
    object_story_spec: {
      page_id: spec.pageId,
      link_data: { link: spec.link, message: spec.message ?? spec.name },
    },
  });
}

export interface AdSpec {
  name: string;
  adsetId: string;
  creativeId: string;
}

export function createAd(transport: GraphTransport, accountId: string, spec: AdSpec) {
  return create(transport, accountId, 'ads', {
    name: spec.name,
    adset_id: spec.adsetId,
    creative: { creative_id: spec.creativeId },
    status: 'PAUSED',
  });
}
