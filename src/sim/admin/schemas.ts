/** Bodies of the admin API (/__sim/…), validated before anything changes. */
import { z } from 'zod';
import { enumValues } from '../graph/spec.js';
import { parseRfc3339 } from '../time/rfc3339.js';

const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

export const faultBody = z.strictObject({
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(['GET', 'POST', 'DELETE']))
    .optional(),
  path: regex,
  times: z.int().min(1).optional(),
  status: z.int().min(100).max(599).optional(),
  error: z
    .strictObject({
      code: z.int(),
      error_subcode: z.int().optional(),
      message: z.string(),
      is_transient: z.boolean().optional(),
      type: z.string().optional(),
      error_user_title: z.string().optional(),
      error_user_msg: z.string().optional(),
    })
    .optional(),
  delay_ms: z.int().min(0).max(600_000).optional(),
  apply_then_fail: z.boolean().optional(),
  regain_minutes: z.int().min(0).max(1440).optional(),
});

const mutateFields = z
  .strictObject({
    status: z.enum(['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED']).optional(),
    daily_budget: z.int().min(0).optional(),
    name: z.string().min(1).optional(),
  })
  .refine((f) => Object.keys(f).length > 0, 'fields must change at least one of status, daily_budget, name');

export const mutateBody = z.strictObject({
  id: z.string().min(1),
  fields: mutateFields,
  /** Who made the change in Ads Manager, as the activity log names them. */
  actor: z
    .strictObject({
      id: z
        .string()
        .regex(/^[0-9]{1,20}$/, 'must be 1–20 digits')
        .optional(),
      name: z.string().min(1).max(100),
    })
    .optional(),
});

export const automaticBody = z.strictObject({
  id: z.string().min(1),
  event_type: z
    .string()
    .refine(
      (t) => (enumValues('AdActivity_event_type') ?? []).includes(t),
      "must be one of Meta's AdActivity event types (e.g. update_ad_set_budget)",
    ),
  fields: mutateFields.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
});

export const clockBody = z.union([
  z.strictObject({
    now: z.string().refine((s) => parseRfc3339(s) !== undefined, 'must be an RFC 3339 date-time'),
  }),
  z.strictObject({ advance_hours: z.number().finite() }),
]);

export const limitsBody = z.strictObject({
  calls_per_hour: z.int().min(0).optional(),
  account_id: z
    .string()
    .regex(/^(act_)?\d+$/, 'must be an ad account id')
    .transform((s) => s.replace(/^act_/, ''))
    .optional(),
  use_case: z.enum(['ads_management', 'ads_insights']).optional(),
  app_calls_per_hour: z.int().min(1).optional(),
  throttle_style: z.enum(['buc', 'legacy']).optional(),
  report_polls_to_complete: z.int().min(1).optional(),
  default_page_size: z.int().min(1).optional(),
  max_page_size: z.int().min(1).optional(),
  sync_insights_row_limit: z.int().min(1).optional(),
  latency_ms: z.int().min(0).optional(),
});

export const reportFailuresBody = z.strictObject({
  count: z.int().min(1).max(1000).default(1),
  error_code: z.int().default(2),
  error_subcode: z.int().optional(),
  error_message: z.string().default('An unexpected error has occurred. Please retry your request later.'),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
});

export const loginBody = z.strictObject({
  user_id: z.string().regex(/^[0-9]{1,20}$/, 'must be 1–20 digits'),
  name: z.string().min(1).max(100).optional(),
  ad_accounts: z.array(z.string().regex(/^act_[0-9]+$/, 'must look like act_<digits>')).optional(),
  declined_scopes: z.array(z.string().min(1)).optional(),
});

export const revokeBody = z.union([
  z.strictObject({ user_id: z.string().regex(/^[0-9]{1,20}$/, 'must be 1–20 digits') }),
  z.strictObject({ token: z.string().min(8) }),
]);
