import { z } from 'zod';

/**
 * The shapes MetaBuyer relies on in Graph responses, checked at the boundary. Objects are loose (Meta adds
 * fields over time); what we read must be there and be the documented type. Numbers that the specs type
 * as strings (budgets, insights metrics) are accepted as strings or numbers.
 */
const numeric = z.union([z.string(), z.number()]);
const id = z.union([z.string().min(1), z.number().int().transform(String)]);

export const accountNodeSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    timezone_name: z.string().min(1),
    account_status: z.coerce.number().int(),
    min_daily_budget: numeric.optional(),
  })
  .loose();
export type AccountNode = z.infer<typeof accountNodeSchema>;

export const campaignNodeSchema = z
  .object({
    id,
    name: z.string(),
    status: z.string(),
    configured_status: z.string().optional(),
    effective_status: z.string(),
    daily_budget: numeric.optional(),
    lifetime_budget: numeric.optional(),
  })
  .loose();
export type CampaignNode = z.infer<typeof campaignNodeSchema>;

export const learningStageInfoSchema = z
  .object({
    status: z.string().optional(),
    conversions: numeric.optional(),
    last_sig_edit_ts: numeric.optional(),
  })
  .loose();

export const adSetNodeSchema = z
  .object({
    id,
    name: z.string(),
    campaign_id: id,
    status: z.string(),
    configured_status: z.string().optional(),
    effective_status: z.string(),
    daily_budget: numeric.optional(),
    lifetime_budget: numeric.optional(),
    learning_stage_info: learningStageInfoSchema.optional(),
  })
  .loose();
export type AdSetNode = z.infer<typeof adSetNodeSchema>;

export const adNodeSchema = z
  .object({
    id,
    name: z.string(),
    adset_id: id,
    campaign_id: id,
    status: z.string(),
    configured_status: z.string().optional(),
    effective_status: z.string(),
  })
  .loose();
export type AdNode = z.infer<typeof adNodeSchema>;

export const actionStatSchema = z
  .object({
    action_type: z.string(),
    value: numeric.optional(),
  })
  .loose();

export const insightsRowSchema = z
  .object({
    date_start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    date_stop: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    account_id: id.optional(),
    campaign_id: id.optional(),
    adset_id: id.optional(),
    ad_id: id.optional(),
    spend: numeric.optional(),
    impressions: numeric.optional(),
    reach: numeric.optional(),
    clicks: numeric.optional(),
    inline_link_clicks: numeric.optional(),
    actions: z.array(actionStatSchema).optional(),
    action_values: z.array(actionStatSchema).optional(),
  })
  .loose();
export type InsightsRow = z.infer<typeof insightsRowSchema>;

export const successSchema = z.object({ success: z.boolean() }).loose();
export const createdSchema = z.object({ id }).loose();

export const reportRunCreatedSchema = z.object({ report_run_id: id }).loose();
export const reportRunSchema = z
  .object({
    id: id.optional(),
    async_status: z.string(),
    async_percent_completion: z.coerce.number(),
    error_code: z.coerce.number().optional().nullable(),
    error_subcode: z.coerce.number().optional().nullable(),
    error_message: z.string().optional().nullable(),
    error_user_title: z.string().optional().nullable(),
    error_user_msg: z.string().optional().nullable(),
  })
  .loose();
export type ReportRun = z.infer<typeof reportRunSchema>;

export const liveNodeSchema = z
  .object({
    id,
    status: z.string(),
    configured_status: z.string().optional(),
    effective_status: z.string().optional(),
    daily_budget: numeric.optional(),
  })
  .loose();
