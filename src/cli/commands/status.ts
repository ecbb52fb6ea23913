import { z } from 'zod';
import { shadowJson } from '../../ops/run-now.js';
import { type StatusResult, status } from '../../ops/status.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { block, localTime, money, shown } from '../format.js';
import { summaryOf } from '../registry.js';

function every(seconds: number): string {
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

function nextRun(r: StatusResult): string {
  switch (r.schedule) {
    case 'scheduled':
      return localTime(r.nextRunAt, r.timezoneName);
    case 'halted':
      return 'none while halted (`metabuyer resume-agent` to resume)';
    case 'disabled':
      return 'none: the agent is disabled';
    default:
      return 'none: no worker has scheduled a run (start `metabuyer worker`, or run `metabuyer run-now`)';
  }
}

export const statusCommand = defineCommand({
  name: 'status',
  summary: summaryOf('status'),
  usage: 'metabuyer status [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(z.object({ 'ad-account': z.string().optional() }), values, this.usage);
  },
  run: async (env, input) =>
    status(await env.context(), { adAccount: input['ad-account'], actor: env.actor }),
  text(r) {
    const tz = r.timezoneName;
    const targets = [
      r.targetCpaMinor === null ? 'CPA not set' : `CPA ${money(r.targetCpaMinor, r.currency)}`,
      r.targetRoas === null ? 'ROAS not set' : `ROAS ${r.targetRoas}`,
    ].join(', ');
    const plan = r.plan
      ? `${r.plan.id}: ${
          Object.entries(r.plan.counts)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'no actions'
        }${r.plan.expired ? ' (expired)' : `, expires ${localTime(r.plan.expiresAt, tz)}`}`
      : 'none';
    return block([
      ['Account', `${r.accountName ? `"${shown(r.accountName)}" ` : ''}(${r.adAccountId}), ${r.currency}`],
      ['Time zone', tz ?? 'unknown (times in UTC)'],
      ['Environment', r.environment],
      ['Agent', r.halted ? 'HALTED' : r.enabled ? 'enabled' : 'disabled'],
      r.halted && ['Halted', `${shown(r.haltedReason)} (by ${shown(r.haltedBy) || 'unknown'})`],
      ['Execution', r.executionEnabled ? 'enabled' : 'disabled'],
      ['Poll interval', every(r.intervalSeconds)],
      ['Targets', targets],
      ['Reports to', r.slackTarget ?? 'no Slack channel yet'],
      [
        'Last run',
        r.lastRun ? `${r.lastRun.status}, ${localTime(r.lastRun.startedAt, tz)} (${r.lastRun.id})` : 'never',
      ],
      ['Next run', nextRun(r)],
      [
        'Token',
        `${r.token.mode}, ${
          r.token.expiresAt
            ? `expires ${localTime(r.token.expiresAt, tz)} (in ${r.token.expiresInDays} days)`
            : 'never expires'
        }`,
      ],
      ['Plan', plan],
      [
        'Min precision',
        Object.keys(r.minPrecisionPct).length === 0
          ? 'none (every rule proposes actions unless in shadow)'
          : `${Object.entries(r.minPrecisionPct)
              .map(([rule, p]) => `${rule} ≥ ${p} %`)
              .join(', ')} on at least ${r.minPrecisionCases} judged verdicts`,
      ],
      ...r.shadow.map((s, i): [string, string] => [
        i === 0 ? 'In shadow' : '',
        `${s.rule}: ${shown(s.reason)}`,
      ]),
      ...(r.plan?.outsideChanges ?? []).map(
        (c) =>
          [
            `  ⚠ ${c.key}`,
            `changed by ${shown(c.by)} at ${localTime(c.at, tz)} after this plan: ${shown(c.sentence)}`,
          ] as [string, string],
      ),
      [
        'Kill switch',
        r.killSwitch.enabled
          ? `on (pace ${r.killSwitch.paceMultiple} ×, ${r.killSwitch.maxWriteFailures} failed writes in ${r.killSwitch.windowMinutes} min)`
          : 'off',
      ],
      r.lastEvent !== null && [
        'Last halt/resume',
        `${r.lastEvent.kind}${r.lastEvent.tripKind ? ` (${r.lastEvent.tripKind})` : ''} ${localTime(r.lastEvent.at, tz)} by ${shown(r.lastEvent.actor)}: ${shown(r.lastEvent.reason)}`,
      ],
    ]);
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    account_name: r.accountName,
    currency: r.currency,
    timezone_name: r.timezoneName,
    target_cpa: r.targetCpaMinor,
    target_roas: r.targetRoas,
    enabled: r.enabled,
    execution_enabled: r.executionEnabled,
    interval_seconds: r.intervalSeconds,
    halted: r.halted,
    halted_reason: r.haltedReason,
    halted_by: r.haltedBy,
    environment: r.environment,
    slack_target: r.slackTarget,
    last_run: r.lastRun
      ? {
          id: r.lastRun.id,
          status: r.lastRun.status,
          started_at: r.lastRun.startedAt,
          finished_at: r.lastRun.finishedAt,
        }
      : null,
    schedule: r.schedule,
    next_run_at: r.nextRunAt,
    token: { mode: r.token.mode, expires_at: r.token.expiresAt, expires_in_days: r.token.expiresInDays },
    plan: r.plan
      ? {
          id: r.plan.id,
          expires_at: r.plan.expiresAt,
          expired: r.plan.expired,
          counts: r.plan.counts,
          outside_changes: r.plan.outsideChanges.map((c) => ({
            key: c.key,
            entity_id: c.entityId,
            at: c.at,
            by: c.by,
            actor_kind: c.kind,
            description: c.sentence,
          })),
        }
      : null,
    min_precision_pct: r.minPrecisionPct,
    min_precision_cases: r.minPrecisionCases,
    shadow: r.shadow.map(shadowJson),
    kill_switch: {
      enabled: r.killSwitch.enabled,
      pace_multiple: r.killSwitch.paceMultiple,
      max_write_failures: r.killSwitch.maxWriteFailures,
      window_minutes: r.killSwitch.windowMinutes,
    },
    last_event: r.lastEvent
      ? {
          at: r.lastEvent.at,
          kind: r.lastEvent.kind,
          trip_kind: r.lastEvent.tripKind,
          reason: r.lastEvent.reason,
          actor: r.lastEvent.actor,
        }
      : null,
  }),
});
