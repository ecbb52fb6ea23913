/**
 * The scenario format (../shared/sim/scenario.schema.json) as a zod schema. It mirrors the JSON Schema
 * rule for rule, including its defaults, so that every file the JSON Schema accepts parses here; the
 * rules JSON Schema cannot express (campaign budget vs ad set budgets, unique ids, real dates) live in
 * rules.ts.
 */
import { z } from 'zod';
import { parseRfc3339 } from '../time/rfc3339.js';

const digits = z.string().regex(/^[0-9]{1,20}$/, 'must be 1–20 digits');
const dateTime = z.string().refine((s) => parseRfc3339(s) !== undefined, 'must be an RFC 3339 date-time');
const status = z.enum(['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED']);
const minorUnits = z.int().min(0);

const token = z.strictObject({
  token: z.string().min(8),
  type: z.enum(['USER', 'SYSTEM_USER']),
  user_id: digits.optional(),
  scopes: z.array(z.string()),
  expires_at: z.int().min(0),
  ad_accounts: z.array(z.string().regex(/^act_[0-9]+$/, 'must look like act_<digits>')).optional(),
  valid: z.boolean().default(true),
});

const day = z.strictObject({
  date: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must look like YYYY-MM-DD'),
  impressions: z.int().min(0),
  reach: z.int().min(0),
  clicks: z.int().min(0),
  inline_link_clicks: z.int().min(0).optional(),
  spend: z.number().min(0),
  purchases: z.int().min(0).default(0),
  purchase_value: z.number().min(0).default(0),
});

const ad = z.strictObject({
  id: digits,
  name: z.string(),
  status,
  creative_id: digits.optional(),
  created_time: dateTime.optional(),
  daily: z.array(day),
});

const adset = z.strictObject({
  id: digits,
  name: z.string(),
  status,
  daily_budget: minorUnits.optional(),
  optimization_goal: z.string().default('OFFSITE_CONVERSIONS'),
  learning_stage: z.enum(['LEARNING', 'SUCCESS', 'FAIL']).default('SUCCESS'),
  last_significant_edit: dateTime.optional(),
  created_time: dateTime.optional(),
  ads: z.array(ad),
});

const campaign = z.strictObject({
  id: digits,
  name: z.string(),
  objective: z.enum([
    'OUTCOME_SALES',
    'OUTCOME_LEADS',
    'OUTCOME_TRAFFIC',
    'OUTCOME_ENGAGEMENT',
    'OUTCOME_AWARENESS',
    'OUTCOME_APP_PROMOTION',
  ]),
  status,
  daily_budget: minorUnits.optional(),
  special_ad_categories: z
    .array(
      z.enum(['NONE', 'HOUSING', 'EMPLOYMENT', 'FINANCIAL_PRODUCTS_SERVICES', 'ISSUES_ELECTIONS_POLITICS']),
    )
    .optional(),
  created_time: dateTime.optional(),
  adsets: z.array(adset),
});

const generate = z.strictObject({
  seed: z.int(),
  campaigns: z.int().min(1),
  adsets_per_campaign: z.int().min(1),
  ads_per_adset: z.int().min(1),
  days: z.int().min(1).max(400),
  cbo_share: z.number().min(0).max(1).default(0.3),
  target_cpa: z.number().gt(0).default(40),
});

const adAccount = z
  .strictObject({
    id: z.string().regex(/^act_[0-9]{1,20}$/, 'must look like act_<digits>'),
    name: z.string(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code'),
    timezone_name: z.string(),
    account_status: z.int(),
    min_daily_budget: minorUnits,
    sandbox: z.boolean().default(false),
    business_id: digits.optional(),
    /** Extension (see src/sim/README.md): the account's conversion lag; absent = the realistic default. */
    conversion_lag: z
      .array(z.strictObject({ hours: z.number().min(0), reported: z.number().gt(0).max(1) }))
      .min(1)
      .optional(),
    campaigns: z.array(campaign).optional(),
    generate: generate.optional(),
  })
  .refine((a) => (a.campaigns === undefined) !== (a.generate === undefined), {
    message: 'an ad account needs exactly one of "campaigns" or "generate"',
  });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  now: dateTime,
  app: z.strictObject({
    id: digits,
    secret: z.string().min(8),
    require_appsecret_proof: z.boolean().default(false),
  }),
  tokens: z.array(token).min(1),
  pages: z.array(z.strictObject({ id: digits, name: z.string() })).optional(),
  ad_accounts: z.array(adAccount).min(1),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioToken = z.output<typeof token>;
export type ScenarioAccount = z.output<typeof adAccount>;
export type ScenarioCampaign = z.output<typeof campaign>;
export type ScenarioAdSet = z.output<typeof adset>;
export type ScenarioAd = z.output<typeof ad>;
export type ScenarioDay = z.output<typeof day>;
export type GenerateSpec = z.output<typeof generate>;
