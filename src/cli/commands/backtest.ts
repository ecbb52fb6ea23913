import { z } from 'zod';
import { snakeKeys } from '../../domain/contract.js';
import { formatMoney } from '../../domain/money.js';
import { UsageError } from '../../lib/errors.js';
import { backtest, backtestOnAgent } from '../../ops/backtest.js';
import { MEASURE_DAYS } from '../../ops/rule-precision.js';
import { runSummaryLine } from '../../ops/run-now.js';
import { targetCpaFlag, targetRoasFlag, validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { dateRange, entity, plural, table } from '../format.js';
import { summaryOf } from '../registry.js';

export const backtestCommand = defineCommand({
  name: 'backtest',
  summary: summaryOf('backtest'),
  usage:
    'metabuyer backtest [--scenario FILE] [--days N] [--target-cpa N] [--target-roas N] [--date-preset P] [--horizon N] [--ad-account ID] [--json]',
  flags: {
    scenario: {
      type: 'string',
      placeholder: 'FILE',
      description:
        "replay a simulator scenario (see examples/); without it, the agent's own account is replayed and each rule's precision recorded",
    },
    days: {
      type: 'string',
      placeholder: 'N',
      description: 'how many past days to replay (default 7 on a scenario, 14 on an agent)',
    },
    'target-cpa': {
      type: 'string',
      placeholder: 'N',
      description: 'target cost per purchase, in the account currency (scenario only: an agent uses its own)',
    },
    'target-roas': {
      type: 'string',
      placeholder: 'N',
      description: 'target return on ad spend (scenario only)',
    },
    'date-preset': {
      type: 'string',
      placeholder: 'P',
      description: 'decision window (default last_7d; scenario only)',
    },
    horizon: {
      type: 'string',
      placeholder: 'N',
      description: 'days after each verdict that judge it, on matured figures (default 3)',
    },
  },
  parse(values) {
    const f = validateFlags(
      z.object({
        scenario: z.string().min(1).optional(),
        days: wholeNumberFlag(1, 90).optional(),
        'target-cpa': targetCpaFlag.optional(),
        'target-roas': targetRoasFlag.optional(),
        'date-preset': z
          .enum(['yesterday', 'last_3d', 'last_7d', 'last_14d', 'last_28d', 'last_30d'], {
            message: 'must be a last_Nd preset',
          })
          .optional(),
        'ad-account': z.string().optional(),
        horizon: wholeNumberFlag(1, 28).default(3),
      }),
      values,
      this.usage,
    );
    if (f.scenario === undefined) {
      for (const flag of ['target-cpa', 'target-roas', 'date-preset'] as const) {
        if (f[flag] !== undefined)
          throw new UsageError(
            `--${flag} applies to --scenario only: an agent is measured on its own configuration (metabuyer setup --${flag} … --apply)`,
            this.usage,
          );
      }
    }
    return f;
  },
  run: async (env, f) => {
    if (f.scenario === undefined) {
      const days = f.days ?? MEASURE_DAYS;
      if (!env.json) env.io.err(`… reading the account's history and replaying ${days} past day(s)…`);
      return backtestOnAgent(await env.context(), {
        adAccount: f['ad-account'],
        actor: env.actor,
        days,
        horizonDays: f.horizon,
      });
    }
    const days = f.days ?? 7;
    if (!env.json) env.io.err(`… replaying ${days} day(s) of ${f.scenario} through the simulator…`);
    return backtest({
      scenarioPath: f.scenario,
      days,
      horizonDays: f.horizon,
      ...(f['ad-account'] ? { adAccount: f['ad-account'] } : {}),
      ...(f['target-cpa'] ? { targetCpa: f['target-cpa'] } : {}),
      ...(f['target-roas'] ? { targetRoas: f['target-roas'] } : {}),
      ...(f['date-preset'] ? { datePreset: f['date-preset'] } : {}),
    });
  },
  text(r) {
    const lines = [`Backtest of ${r.adAccountId} (${r.currency}), ${plural(r.days.length, 'day')}:`];
    lines.push(
      table(
        ['as of', 'window', 'summary', 'recs', 'actions'],
        r.days.map((d) => [
          d.asOf.slice(0, 10),
          dateRange(d.window.since, d.window.until),
          runSummaryLine(d.summary, r.currency),
          d.recommendations.length,
          d.plannedActions
            .map((a) => `${a.type === 'set_status' ? 'pause' : 'budget'} ${a.entityId}`)
            .join(', ') || '—',
        ]),
      ),
    );
    lines.push(
      '',
      `Precision per rule: was each day's would-be action confirmed by the next ${r.horizonDays} day(s), on matured figures?`,
    );
    lines.push(
      r.precision.length === 0
        ? '  no rule proposed an action'
        : table(
            ['rule', 'verdicts', 'confirmed', 'precision', '95 % interval', 'saved (lost)', 'not yet known'],
            r.precision.map((p) => [
              p.rule,
              p.verdicts,
              p.confirmed,
              p.precision === null ? '—' : `${Math.round(p.precision * 100)} %`,
              p.verdicts === 0 ? '—' : `${Math.round(p.low * 100)}–${Math.round(p.high * 100)} %`,
              p.moneySaved < 0
                ? `(${formatMoney(-p.moneySaved, r.currency)})`
                : formatMoney(p.moneySaved, r.currency),
              p.unlabelled,
            ]),
          ),
    );
    if (r.recorded)
      lines.push(
        `Recorded for ${r.adAccountId} (days ${dateRange(r.recorded.since, r.recorded.until)} replayed, ${plural(r.recorded.graphCalls, 'Graph call')}): rules that require a minimum precision are judged on it from the next run.`,
      );
    lines.push('', 'What fired, and when (by window end):');
    lines.push(
      table(
        ['rule', 'severity', 'entity', 'days'],
        r.firings.map((f) => [
          f.rule,
          f.severity,
          entity(f.level, f.entityName, f.entityId),
          f.dates.join(' '),
        ]),
      ),
    );
    return lines.join('\n');
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    currency: r.currency,
    days: r.days.map((d) => ({
      as_of: d.asOf,
      window: d.window,
      summary: snakeKeys(d.summary),
      recommendations: d.recommendations.map((x) => ({
        id: x.id,
        rule: x.rule,
        severity: x.severity,
        level: x.level,
        entity_id: x.entityId,
        /** It proposed an action (or would have, in shadow): a verdict the precision judges. */
        would_act: (x.action ?? x.evidence.shadow?.wouldBe ?? null) !== null,
      })),
      planned_actions: d.plannedActions.map((a) => ({
        key: a.key,
        type: a.type,
        entity_id: a.entityId,
        from: a.from,
        to: a.to,
      })),
    })),
    horizon_days: r.horizonDays,
    precision: r.precision.map((p) => ({
      rule: p.rule,
      verdicts: p.verdicts,
      confirmed: p.confirmed,
      precision: p.precision,
      interval: { low: p.low, high: p.high, level: 0.95 },
      money_saved: p.moneySaved,
      unlabelled: p.unlabelled,
    })),
    recorded: r.recorded
      ? {
          measured_at: r.recorded.measuredAt,
          since: r.recorded.since,
          until: r.recorded.until,
          graph_calls: r.recorded.graphCalls,
        }
      : null,
    firings: r.firings.map((f) => ({
      rule: f.rule,
      level: f.level,
      entity_id: f.entityId,
      severity: f.severity,
      dates: f.dates,
    })),
  }),
});
