/**
 * The simulator's live objects. Scenario files are turned into these once (build.ts, generate.ts); the
 * Graph handlers read and change them. Budgets are integers in the account currency's minor units,
 * times are epoch milliseconds, and delivery lives in the account's typed arrays (delivery.ts), not here.
 */
import type { LagProfile } from '../../domain/conversion-lag.js';
import type { Delivery } from './delivery.js';

export type Status = 'ACTIVE' | 'PAUSED' | 'ARCHIVED' | 'DELETED';
export type LearningStage = 'LEARNING' | 'SUCCESS' | 'FAIL';

export interface Account {
  kind: 'account';
  /** act_<digits> */
  id: string;
  digits: string;
  name: string;
  currency: string;
  timezone: string;
  accountStatus: number;
  minDailyBudget: number;
  businessId: string | undefined;
  sandbox: boolean;
  createdMs: number;
  campaigns: Campaign[];
  delivery: Delivery;
  /** How purchases of a day arrive after it (the scenario's `conversion_lag`, or the default). */
  conversionLag: LagProfile;
}

export interface Campaign {
  kind: 'campaign';
  id: string;
  account: Account;
  name: string;
  objective: string;
  status: Status;
  dailyBudget: number | undefined;
  specialAdCategories: string[];
  createdMs: number;
  updatedMs: number;
  adsets: AdSet[];
}

export interface AdSet {
  kind: 'adset';
  id: string;
  account: Account;
  campaign: Campaign;
  name: string;
  status: Status;
  dailyBudget: number | undefined;
  optimizationGoal: string;
  billingEvent: string;
  learningStage: LearningStage;
  lastSigEditMs: number | undefined;
  createdMs: number;
  updatedMs: number;
  ads: Ad[];
}

export interface Ad {
  kind: 'ad';
  id: string;
  account: Account;
  campaign: Campaign;
  adset: AdSet;
  name: string;
  status: Status;
  creativeId: string | undefined;
  createdMs: number;
  updatedMs: number;
  /** Row of this ad in the account's delivery arrays; -1 for ads created through the API (no delivery). */
  row: number;
}

export interface Creative {
  kind: 'creative';
  id: string;
  account: Account;
  name: string;
  objectStorySpec: Record<string, unknown> | undefined;
  createdMs: number;
}

export type AdObject = Campaign | AdSet | Ad;
export type Level = 'account' | 'campaign' | 'adset' | 'ad';

export function accountOf(o: Account | Campaign | AdSet | Ad | Creative): Account {
  return o.kind === 'account' ? o : o.account;
}
