export type { BatchItemResult, BatchRequest } from './batch.js';
export { createMetaClient, MetaClient } from './client.js';
export type {
  AsyncReportPolicy,
  GovernorPolicy,
  MetaClientOptions,
  MetaConfig,
  RetryPolicy,
} from './config.js';
export {
  classifyMetaError,
  isMetaApiError,
  MetaApiError,
  MetaBadResponseError,
  MetaHttpError,
  MetaNetworkError,
  MetaThrottledError,
  parseMetaErrorBody,
  WriteOutcomeUnknownError,
} from './errors.js';
export type { IssuedToken, PermissionGrant, TokenInfo } from './identity.js';
export type { InsightsMode, InsightsQuery } from './insights.js';
export { currencyOffset, majorToMinor } from './money.js';
export { choosePurchaseActionType, DEFAULT_PURCHASE_ACTION_TYPES } from './purchases.js';
export { type ReadAccountSnapshotOptions, readAccountSnapshot } from './snapshot-reader.js';
export { InMemoryUsageStore, type UsageScope, type UsageState, type UsageStore } from './usage-store.js';
export { RedisUsageStore } from './usage-store-redis.js';
export type { LiveState, WritableStatus, WriteResult } from './writes.js';
