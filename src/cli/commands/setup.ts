import { z } from 'zod';
import { SLACK_TEAM_ID, SLACK_USER_ID } from '../../domain/actor.js';
import { RULE_IDS, type RuleId } from '../../domain/recommendation.js';
import { setup, slackTargetSchema } from '../../ops/setup.js';
import {
  positiveDecimalFlag,
  targetCpaFlag,
  targetRoasFlag,
  validateFlags,
  wholeNumberFlag,
} from '../args.js';
import { defineCommand } from '../command.js';
import { block, money, shown } from '../format.js';
import { summaryOf } from '../registry.js';

const bool = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');
const int = wholeNumberFlag;
const list = (item: z.ZodString) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

/** Slack user ids, validated here at the door: Slack's shape, bounded length and count. */
const slackUsers = z
  .string()
  .max(2_000, 'is too long (at most 100 Slack user ids)')
  .pipe(list(z.string().regex(SLACK_USER_ID, 'must be Slack user ids such as U012AB3CD')))
  .pipe(z.array(z.string()).max(100, 'may name at most 100 people'));

/**
 * `--min-precision high_cpa=70,low_roas=60`: whole percents from 1 to 100, `off` to remove a rule's
 * minimum. Each rule at most once; every part judged, so a typo changes nothing.
 */
const minPrecisionFlag = z
  .string()
  .max(1_000, 'is too long')
  .transform((s, ctx) => {
    const out: Partial<Record<RuleId, number | null>> = {};
    const parts = s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (parts.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'needs RULE=PERCENT, e.g. high_cpa=70 (or high_cpa=off)' });
      return z.NEVER;
    }
    for (const part of parts) {
      const m = /^([a-z_]+)=(.*)$/.exec(part);
      if (!m) {
        ctx.addIssue({
          code: 'custom',
          message: `must be RULE=PERCENT, e.g. high_cpa=70 (got "${part.slice(0, 40)}")`,
        });
        return z.NEVER;
      }
      const rule = m[1] as RuleId;
      if (!(RULE_IDS as readonly string[]).includes(rule)) {
        ctx.addIssue({ code: 'custom', message: `must name rule ids: ${RULE_IDS.join(', ')}` });
        return z.NEVER;
      }
      if (rule in out) {
        ctx.addIssue({ code: 'custom', message: `names ${rule} twice` });
        return z.NEVER;
      }
      const value = m[2]!.trim();
      if (value === 'off') {
        out[rule] = null;
        continue;
      }
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100) {
        ctx.addIssue({ code: 'custom', message: `must give ${rule} a whole percent from 1 to 100, or off` });
        return z.NEVER;
      }
      out[rule] = Number(value);
    }
    return out;
  });

const flagsSchema = z.object({
  'ad-account': z.string().optional(),
  apply: z.boolean().optional(),
  'target-cpa': targetCpaFlag.optional(),
  'target-roas': targetRoasFlag.optional(),
  'date-preset': z
    .enum(['yesterday', 'last_3d', 'last_7d', 'last_14d', 'last_28d', 'last_30d', 'last_90d'], {
      message: 'must be one of yesterday, last_3d, last_7d, last_14d, last_28d, last_30d, last_90d',
    })
    .optional(),
  'attribution-window': z
    .enum(['1d_click', '7d_click', '1d_view', '1d_click_1d_view', '7d_click_1d_view'], {
      message: 'must be one of 1d_click, 7d_click, 1d_view, 1d_click_1d_view, 7d_click_1d_view',
    })
    .optional(),
  'source-of-truth': z.enum(['meta'], { message: 'must be meta (the only source supported)' }).optional(),
  'slack-target': slackTargetSchema.optional(),
  'execution-enabled': bool.optional(),
  'interval-seconds': int(300, 604_800).optional(),
  'rollback-window-hours': int(1, 720).optional(),
  'plan-ttl-hours': int(1, 168).optional(),
  approvers: slackUsers.optional(),
  operators: slackUsers.optional(),
  'slack-workspace': z
    .string()
    .regex(SLACK_TEAM_ID, 'must be a Slack workspace (team) id such as T012AB3CD')
    .optional(),
  'max-budget-change-pct': int(1, 100).optional(),
  'max-actions': int(1, 200).optional(),
  'approval-waiver-pct': int(0, 100).optional(),
  'protect-ids': list(z.string().regex(/^\d{1,20}$/, 'must be Meta object ids (digits)')).optional(),
  'protect-names': list(z.string().min(1)).optional(),
  'shadow-rules': z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(RULE_IDS, { message: `must be rule ids: ${RULE_IDS.join(', ')}` })))
    .optional(),
  'min-precision': minPrecisionFlag.optional(),
  'min-precision-cases': int(1, 1000).optional(),
  'kill-switch': z.enum(['on', 'off'], { message: 'must be on or off' }).optional(),
  'kill-switch-pace': positiveDecimalFlag({ max: 100, example: '3 or 2.5', decimals: 2 })
    .refine((s) => Number(s) >= 1.1, 'must be at least 1.1 (a multiple of the typical pace)')
    .transform(Number)
    .optional(),
  'kill-switch-failures': int(1, 100).optional(),
});

export const setupCommand = defineCommand({
  name: 'setup',
  summary: summaryOf('setup'),
  usage:
    'metabuyer setup [--apply] [--target-cpa N] [--target-roas N] [--date-preset P] [--attribution-window W] [--source-of-truth meta] [--slack-target channel:C…] [--execution-enabled true|false] [--interval-seconds N] [--rollback-window-hours N] [--plan-ttl-hours N] [--operators U1,U2] [--approvers U3] [--slack-workspace T…] [--max-budget-change-pct N] [--max-actions N] [--approval-waiver-pct N] [--protect-ids ID,ID] [--protect-names "*brand*"] [--shadow-rules RULE,RULE] [--min-precision RULE=PCT,…] [--min-precision-cases N] [--kill-switch on|off] [--kill-switch-pace N] [--kill-switch-failures N] [--ad-account ID] [--json]',
  flags: {
    apply: { type: 'boolean', description: 'store the change (without it, only show it)' },
    'target-cpa': {
      type: 'string',
      placeholder: 'N',
      description: 'target cost per purchase, in the account currency',
    },
    'target-roas': { type: 'string', placeholder: 'N', description: 'target return on ad spend, e.g. 1.8' },
    'date-preset': { type: 'string', placeholder: 'P', description: 'decision window (default last_7d)' },
    'attribution-window': {
      type: 'string',
      placeholder: 'W',
      description: 'attribution window (default 7d_click)',
    },
    'source-of-truth': { type: 'string', placeholder: 'meta', description: 'where conversions are counted' },
    'slack-target': {
      type: 'string',
      placeholder: 'channel:C…',
      description: 'where reports and approval queues go',
    },
    'execution-enabled': { type: 'string', placeholder: 'true|false', description: 'allow confirmed writes' },
    'interval-seconds': { type: 'string', placeholder: 'N', description: 'poll interval (default 21600)' },
    'rollback-window-hours': {
      type: 'string',
      placeholder: 'N',
      description: 'how long writes can be undone (72)',
    },
    'plan-ttl-hours': {
      type: 'string',
      placeholder: 'N',
      description: 'how long a plan stays executable (24)',
    },
    operators: {
      type: 'string',
      placeholder: 'U1,U2',
      description: 'Slack users who change setup, confirm writes and resume (the local CLI always may)',
    },
    approvers: {
      type: 'string',
      placeholder: 'U1,U2',
      description: 'Slack users who may approve (none: the operators approve)',
    },
    'slack-workspace': {
      type: 'string',
      placeholder: 'T…',
      description: 'the Slack workspace the agent belongs to (its users alone can reach it)',
    },
    'max-budget-change-pct': {
      type: 'string',
      placeholder: 'N',
      description: 'largest budget change per action (20)',
    },
    'max-actions': { type: 'string', placeholder: 'N', description: 'most actions in one plan (10)' },
    'approval-waiver-pct': {
      type: 'string',
      placeholder: 'N',
      description: 'budget decreases of at most N % need no approval (0: all need approval)',
    },
    'protect-ids': { type: 'string', placeholder: 'ID,ID', description: 'objects never touched' },
    'shadow-rules': {
      type: 'string',
      placeholder: 'RULE,RULE',
      description: 'rules that recommend but never plan (shadow mode); "" for none',
    },
    'protect-names': {
      type: 'string',
      placeholder: 'GLOB,GLOB',
      description: 'names never touched, e.g. "*brand*"',
    },
    'min-precision': {
      type: 'string',
      placeholder: 'RULE=PCT,…',
      description:
        'backtest precision (%) a rule must show on this account before it proposes actions, e.g. high_cpa=70; RULE=off removes',
    },
    'min-precision-cases': {
      type: 'string',
      placeholder: 'N',
      description: 'judged verdicts a precision needs before it counts (10)',
    },
    'kill-switch': {
      type: 'string',
      placeholder: 'on|off',
      description: 'halt by itself when the account behaves strangely (default on)',
    },
    'kill-switch-pace': {
      type: 'string',
      placeholder: 'N',
      description: "trip when today's spend passes N × the typical pace (3)",
    },
    'kill-switch-failures': {
      type: 'string',
      placeholder: 'N',
      description: 'trip after N failed writes within 60 minutes (3)',
    },
  },
  parse(values) {
    return validateFlags(flagsSchema, values, this.usage);
  },
  run: async (env, f) =>
    setup(await env.context(), {
      adAccount: f['ad-account'],
      actor: env.actor,
      apply: f.apply === true,
      changes: {
        targetCpa: f['target-cpa'],
        targetRoas: f['target-roas'],
        datePreset: f['date-preset'],
        attributionWindow: f['attribution-window'],
        sourceOfTruth: f['source-of-truth'],
        slackChannelId: f['slack-target'],
        slackWorkspaceId: f['slack-workspace'],
        executionEnabled: f['execution-enabled'],
        intervalSeconds: f['interval-seconds'],
        rollbackWindowHours: f['rollback-window-hours'],
        planTtlHours: f['plan-ttl-hours'],
        approvers: f.approvers,
        operators: f.operators,
        maxBudgetChangePct: f['max-budget-change-pct'],
        maxActionsPerPlan: f['max-actions'],
        approvalWaiverMaxDecreasePct:
          f['approval-waiver-pct'] === undefined
            ? undefined
            : f['approval-waiver-pct'] === 0
              ? null
              : f['approval-waiver-pct'],
        protectedEntityIds: f['protect-ids'],
        protectedNamePatterns: f['protect-names'],
        shadowRules: f['shadow-rules'],
        minPrecision: f['min-precision'],
        minPrecisionCases: f['min-precision-cases'],
        killSwitchEnabled: f['kill-switch'] === undefined ? undefined : f['kill-switch'] === 'on',
        killSwitchPace: f['kill-switch-pace'],
        killSwitchFailures: f['kill-switch-failures'],
      },
    }),
  text(r) {
    const show = (field: string, v: unknown) => showSetting(field, v, r.currency);
    if (r.changes.length === 0) {
      const rows = Object.entries(r.config).map(([k, v]) => [LABELS[k] ?? k, show(k, v)] as [string, string]);
      return `Configuration of ${r.adAccountId} (nothing to change):\n${indent(block(rows))}\nChange it with flags, e.g. \`metabuyer setup --target-cpa 120 --apply\` (see \`metabuyer setup --help\`).`;
    }
    const lines = block(
      r.changes.map((c) => [LABELS[c.field] ?? c.field, `${show(c.field, c.from)} → ${show(c.field, c.to)}`]),
    );
    return r.applied
      ? `Config applied to ${r.adAccountId}:\n${indent(lines)}`
      : `Would change ${r.adAccountId}:\n${indent(lines)}\nRun again with --apply to store it.`;
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    currency: r.currency,
    applied: r.applied,
    changes: r.changes,
    config: r.config,
  }),
});

/** Each setting under the flag that changes it, so the listing says how to change it too. */
const LABELS: Record<string, string> = {
  target_cpa: '--target-cpa',
  target_roas: '--target-roas',
  date_preset: '--date-preset',
  attribution_window: '--attribution-window',
  source_of_truth: '--source-of-truth',
  slack_target: '--slack-target',
  execution_enabled: '--execution-enabled',
  interval_seconds: '--interval-seconds',
  rollback_window_hours: '--rollback-window-hours',
  plan_ttl_hours: '--plan-ttl-hours',
  approvers: '--approvers',
  confidence_level: 'confidence level',
  max_budget_change_pct: '--max-budget-change-pct',
  max_actions_per_plan: '--max-actions',
  approval_waiver_max_decrease_pct: '--approval-waiver-pct',
  protected_entity_ids: '--protect-ids',
  protected_name_patterns: '--protect-names',
  shadow_rules: '--shadow-rules',
  min_precision_pct: '--min-precision',
  min_precision_cases: '--min-precision-cases',
  precision_remeasure_days: 'precision re-measured after (days)',
  precision_stale_days: 'precision too old after (days)',
  kill_switch: '--kill-switch',
  kill_switch_pace: '--kill-switch-pace',
  kill_switch_failures: '--kill-switch-failures',
  kill_switch_failure_window_minutes: 'kill switch failure window (minutes)',
};

function showSetting(field: string, v: unknown, currency: string): string {
  if (field === 'approval_waiver_max_decrease_pct' && (v === null || v === 0))
    return '0 (every change needs approval)';
  if (field === 'kill_switch') return v ? 'on' : 'off';
  if (v === null || v === undefined) return 'not set';
  if (field === 'target_cpa' && typeof v === 'number') return money(v, currency);
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => shown(String(x))).join(', ');
  if (field === 'min_precision_pct' && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, number>);
    return entries.length === 0 ? 'none' : entries.map(([rule, p]) => `${rule} ≥ ${p} %`).join(', ');
  }
  return shown(String(v));
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
