import { z } from 'zod';
import { snakeKeys } from '../../domain/contract.js';
import { formatMoney } from '../../domain/money.js';
import { backtest } from '../../ops/backtest.js';
import { runSummaryLine } from '../../ops/run-now.js';
import { targetCpaFlag, targetRoasFlag, validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { dateRange, entity, plural, table } from '../format.js';

export const backtestCommand = defineCommand({
  name: 'backtest',
  summary: 'replay the engine over each past day of a scenario: what would have fired, and when',
  usage:
    'metabuyer backtest --scenario FILE [--days N] [--target-cpa N] [--target-roas N] [--date-preset P] [--horizon N] [--ad-account ID] [--json]',
  flags: {
    scenario: { type: 'string', placeholder: 'FILE', description: 'a simulator scenario (see examples/)' },
    days: {
      type: 'string',
      placeholder: 'N',
      description: 'how many past days to replay, ending at the scenario clock (default 7)',
    },
    'target-cpa': {
      type: 'string',
      placeholder: 'N',
      description: 'target cost per purchase, in the account currency',
    },
    'target-roas': { type: 'string', placeholder: 'N', description: 'target return on ad spend' },
    'date-preset': { type: 'string', placeholder: 'P', description: 'decision window (default last_7d)' },
    horizon: {
      type: 'string',
      placeholder: 'N',
      description: 'days after each verdict that judge it, on matured figures (default 3)',
    },
  },
  parse(values) {
    return validateFlags(
      z.object({
        scenario: z.string().min(1),
        days: wholeNumberFlag(1, 90).default(7),
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
  },
  run: (env, f) => {
    if (!env.json) env.io.err(`… replaying ${f.days} day(s) of ${f.scenario} through the simulator…`);
    return backtest({
      scenarioPath: f.scenario,
      days: f.days,
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
    firings: r.firings.map((f) => ({
      rule: f.rule,
      level: f.level,
      entity_id: f.entityId,
      severity: f.severity,
      dates: f.dates,
    })),
  }),
});
