import { z } from 'zod';
import { runConfirmationViaQueue, withQueueClient } from '../../jobs/remote.js';
import type { Confirmation } from '../../ops/execute.js';
import { reconcile } from '../../ops/reconcile.js';
import { executeActions, rollbackActions } from '../../ops/write-commands.js';
import { validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { entity, shown } from '../format.js';
import { summaryOf } from '../registry.js';
import { showValue } from './values.js';

/** What a skip reason means, in words. */
const SKIP_TEXT: Record<string, string> = {
  already_failed: 'failed on an earlier execute; not tried again in this plan',
  already_executed: 'already executed',
  approval_required: 'needs approval first (`metabuyer approve KEY`)',
  in_progress: 'another execution is writing it now',
  rejected: 'rejected',
};

const confirm = z.enum(['sandbox', 'live'], {
  message: 'must be sandbox or live (the environment you are writing to)',
});
const limit = (max: number, dflt: number) => wholeNumberFlag(1, max).default(dflt);

export const executeActionsCommand = defineCommand({
  name: 'execute-actions',
  summary: summaryOf('execute-actions'),
  usage: 'metabuyer execute-actions --confirm sandbox|live [--plan ID] [--ad-account ID] [--json]',
  flags: {
    confirm: {
      type: 'string',
      placeholder: 'sandbox|live',
      description: "must match the connection's environment",
    },
    plan: {
      type: 'string',
      placeholder: 'ID',
      description: 'the plan you reviewed; refused if a newer one exists',
    },
  },
  parse(values) {
    return validateFlags(
      z.object({
        'ad-account': z.string().optional(),
        confirm,
        plan: z
          .string()
          .regex(/^plan_[0-9A-Z]+$/, 'must be a plan id (plan_…)')
          .optional(),
      }),
      values,
      this.usage,
    );
  },
  run: async (env, f) => {
    const ctx = await env.context();
    const input = {
      ...(f['ad-account'] ? { adAccount: f['ad-account'] } : {}),
      confirm: f.confirm,
      actor: env.actor,
      ...(f.plan ? { planId: f.plan } : {}),
      onConfirmed: (c: Confirmation) => {
        if (!env.json) env.io.out(`confirmation ${c.id}: ${c.targets.map((t) => t.key).join(', ')}`);
      },
    };
    if (!ctx.config.redisUrl) return executeActions(ctx, input);
    // With REDIS_URL a worker runs it; refused before anything is recorded when no worker is running.
    return withQueueClient(ctx, async (client) => {
      await client.ensureWorker('execute');
      return executeActions(ctx, {
        ...input,
        runner: (id) => runConfirmationViaQueue(ctx, client, id, 'execute'),
      });
    });
  },
  text(r) {
    const reasons = Object.entries(r.skippedBy)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    const lines = [
      `applied=${r.applied} skipped=${r.skipped}${reasons ? ` (${reasons})` : ''} failed=${r.failed}`,
    ];
    for (const x of r.results) {
      lines.push(
        `  ${x.key} ${x.outcome.padEnd(7)} ${x.type} ${entity(x.level, x.entityName, x.entityId)}: ${showValue(x.type, x.from, r.currency)} → ${showValue(x.type, x.to, r.currency)}${x.reason ? ` — ${SKIP_TEXT[x.reason] ?? shown(x.reason)}` : ''}`,
      );
    }
    if (r.results.some((x) => x.outcome === 'failed' || x.reason === 'already_failed'))
      lines.push(
        'A failed action is not tried again within its plan. To try again: `metabuyer run-now`, `metabuyer plan-actions`, approve the new action, then execute.',
      );
    lines.push(r.applied + r.failed > 0 ? 'action log updated' : 'nothing written');
    return lines.join('\n');
  },
  json: (r) => ({
    applied: r.applied,
    skipped: r.skipped,
    failed: r.failed,
    unknown: r.unknown,
    plan_id: r.planId,
    confirmation_id: r.confirmationId,
    results: r.results.map((x) => ({ key: x.key, outcome: x.outcome, reason: x.reason })),
  }),
  exitCode: (r) => (r.failed > 0 ? 1 : 0),
});

export const rollbackActionsCommand = defineCommand({
  name: 'rollback-actions',
  summary: summaryOf('rollback-actions'),
  usage: 'metabuyer rollback-actions --confirm sandbox|live [--limit N] [--ad-account ID] [--json]',
  flags: {
    confirm: {
      type: 'string',
      placeholder: 'sandbox|live',
      description: "must match the connection's environment",
    },
    limit: { type: 'string', placeholder: 'N', description: 'how many writes, newest first (default 1)' },
  },
  parse(values) {
    return validateFlags(
      z.object({ 'ad-account': z.string().optional(), confirm, limit: limit(50, 1) }),
      values,
      this.usage,
    );
  },
  run: async (env, f) => {
    const ctx = await env.context();
    const input = {
      ...(f['ad-account'] ? { adAccount: f['ad-account'] } : {}),
      confirm: f.confirm,
      actor: env.actor,
      limit: f.limit,
      onConfirmed: (c: Confirmation) => {
        if (!env.json) env.io.out(`confirmation ${c.id}: undo ${c.targets.map((t) => t.key).join(', ')}`);
      },
    };
    if (!ctx.config.redisUrl) return rollbackActions(ctx, input);
    return withQueueClient(ctx, async (client) => {
      await client.ensureWorker('rollback');
      return rollbackActions(ctx, {
        ...input,
        runner: (id) => runConfirmationViaQueue(ctx, client, id, 'rollback'),
      });
    });
  },
  text(r) {
    const lines = [`rolled_back=${r.rolled_back} refused=${r.refused} failed=${r.failed}`];
    for (const x of r.results) {
      lines.push(
        `  ${x.key ?? x.logId} ${x.outcome}: ${x.type} ${entity(x.level, x.entityName, x.entityId)} back to ${showValue(x.type, x.from, r.currency)}${x.reason ? ` — ${shown(x.reason)}` : ''}`,
      );
    }
    if (r.results.length === 0) {
      const why = [
        r.alreadyRolledBack > 0 ? `${r.alreadyRolledBack} already rolled back` : '',
        r.outsideWindow > 0 ? `${r.outsideWindow} older than the ${r.windowHours} h rollback window` : '',
      ].filter(Boolean);
      lines.push(
        `Nothing to roll back within ${r.windowHours} h${why.length > 0 ? ` (${why.join('; ')})` : ''}.`,
      );
    }
    return lines.join('\n');
  },
  json: (r) => ({
    rolled_back: r.rolled_back,
    refused: r.refused,
    failed: r.failed,
    already_rolled_back: r.alreadyRolledBack,
    outside_window: r.outsideWindow,
    results: r.results.map((x) => ({ key: x.key, log_id: x.logId, outcome: x.outcome, reason: x.reason })),
  }),
  exitCode: (r) => (r.failed > 0 ? 1 : 0),
});

export const reconcileCommand = defineCommand({
  name: 'reconcile',
  summary: summaryOf('reconcile'),
  usage: 'metabuyer reconcile [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(z.object({ 'ad-account': z.string().optional() }), values, this.usage);
  },
  run: async (env, f) =>
    reconcile(await env.context(), f['ad-account'] ? { adAccount: f['ad-account'] } : {}),
  text(r) {
    const lines = [
      `settled=${r.settled.length} reopened=${r.reopened.length} ran=${r.ran.length} failed=${r.failed.length}`,
    ];
    for (const s of r.settled)
      lines.push(`  ${s.kind} ${s.key} ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`);
    for (const x of r.ran)
      lines.push(
        `  ran ${x.kind} ${x.confirmationId}: ${Object.entries(x.summary)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
    for (const x of r.failed) lines.push(`  could not run ${x.dedupeKey}: ${x.error}`);
    if (lines.length === 1) lines.push('Nothing to reconcile.');
    return lines.join('\n');
  },
  json: (r) => ({
    settled: r.settled.map((s) => ({
      key: s.key,
      kind: s.kind,
      entity_id: s.entityId,
      outcome: s.outcome,
      reason: s.reason,
    })),
    reopened: r.reopened,
    ran: r.ran.map((x) => ({ confirmation_id: x.confirmationId, kind: x.kind, ...x.summary })),
    failed: r.failed.map((x) => ({ confirmation_id: x.dedupeKey, error: x.error })),
  }),
  exitCode: (r) => (r.failed.length > 0 ? 1 : 0),
});
