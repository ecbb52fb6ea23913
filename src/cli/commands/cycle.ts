import { z } from 'zod';
import { toPlanActionJson } from '../../domain/contract.js';
import { runNowViaQueue } from '../../jobs/remote.js';
import { sweepFollowupsAfterRun } from '../../ops/followups.js';
import { planActions } from '../../ops/plan-actions.js';
import { type RunNowResult, runNow, runNowJson } from '../../ops/run-now.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { dateRange, entity, localTime, plural, shown, table } from '../format.js';
import { summaryOf } from '../registry.js';
import { showValue } from './values.js';

const scope = z.object({ 'ad-account': z.string().optional() });

export const runNowCommand = defineCommand({
  name: 'run-now',
  summary: summaryOf('run-now'),
  usage: 'metabuyer run-now [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(scope, values, this.usage);
  },
  run: async (env, input) => {
    const ctx = await env.context();
    // With REDIS_URL a worker polls (it holds the Meta rate-limit budget with the other workers).
    if (ctx.config.redisUrl) {
      if (!env.json) env.io.err('… Handing the poll to a worker and waiting for it');
      return runNowViaQueue(ctx, {
        ...(input['ad-account'] ? { adAccount: input['ad-account'] } : {}),
        actor: env.actor,
      });
    }
    const result = await runNow(ctx, {
      adAccount: input['ad-account'],
      actor: env.actor,
      trigger: 'cli',
      ...(env.json ? {} : { onProgress: (step: string) => env.io.err(`… ${step}`) }),
    });
    // Embedded mode has no worker sweeping follow-ups: the fresh snapshot judges the ones now due.
    await sweepFollowupsAfterRun(ctx, result.runId);
    return result;
  },
  text(r) {
    const { high, medium, low } = r.counts;
    const currency = r.snapshot.account.currency;
    const w = r.snapshot.window;
    const lines = [
      `Summary: ${r.summaryLine}`,
      `Top recs: ${high} high, ${medium} medium${low > 0 ? `, ${low} low` : ''}`,
      `Account "${shown(r.snapshot.account.name)}" (${r.adAccountId}), ${currency}, ${r.snapshot.account.timezone}`,
      `Window ${dateRange(w.since, w.until)} (${w.preset}), ${plural(r.snapshot.entities.length, 'object')}, ${plural(r.graphCalls, 'Graph call')}.`,
    ];
    for (const rec of r.recommendations) {
      const action = rec.action
        ? ` → ${rec.action.type === 'set_status' ? `${rec.action.to}` : `budget ${showValue(rec.action.type, rec.action.from, currency)} → ${showValue(rec.action.type, rec.action.to, currency)}`}`
        : ' (alert)';
      lines.push(
        `  [${rec.severity}] ${rec.rule} · ${entity(rec.level, rec.entityName, rec.entityId)}${action}`,
      );
      lines.push(`      ${shown(rec.evidence.sentence)}`);
    }
    if (r.rulesWithoutTargets.length > 0) {
      const missing = new Set(r.rulesWithoutTargets.flatMap((x) => x.missing));
      const names = [...missing]
        .map((m) => (m === 'target_cpa' ? 'a target CPA' : 'a target ROAS'))
        .join(' and ');
      lines.push(
        `Not run, for want of ${names}: ${r.rulesWithoutTargets.map((x) => x.rule).join(', ')}.`,
        `  Set the targets: metabuyer setup${missing.has('target_cpa') ? ' --target-cpa N' : ''}${missing.has('target_roas') ? ' --target-roas N' : ''} --apply`,
      );
    }
    if (r.precisionMeasured && 'failed' in r.precisionMeasured)
      lines.push(`Rule precision could not be measured again: ${shown(r.precisionMeasured.failed)}`);
    else if (r.precisionMeasured)
      lines.push(
        `Measured rule precision again on the days ${dateRange(r.precisionMeasured.since, r.precisionMeasured.until)} (a rule requires a minimum and its measurement was missing or old).`,
      );
    for (const s of r.shadow) lines.push(`Shadow: ${s.rule} recommends but does not plan: ${s.reason}.`);
    if (r.changes) lines.push(...changesText(r));
    lines.push(r.report.detail);
    return lines.join('\n');
  },
  json: runNowJson,
});

/** Who changed what over the window: people, other apps, Meta; our own writes only counted. */
function changesText(r: RunNowResult): string[] {
  const g = r.changes.groups;
  const out: string[] = [];
  const total = g.byPeople.length + g.byOtherApps.length + g.byMeta.length;
  out.push(
    `Changes by others since ${r.changes.since.slice(0, 16).replace('T', ' ')} UTC: ${total === 0 ? 'none' : total}${g.ours.length > 0 ? ` (and ${plural(g.ours.length, 'write')} of ours)` : ''}.`,
  );
  const group = (title: string, list: typeof g.byPeople) => {
    if (list.length === 0) return;
    out.push(`  ${title}:`);
    for (const c of list.slice(-10))
      out.push(`    ${c.activity.eventTime.slice(0, 16).replace('T', ' ')} ${shown(c.sentence)}`);
    if (list.length > 10) out.push(`    … ${list.length - 10} earlier (run-now --json lists them all)`);
  };
  group('by people', g.byPeople);
  group('by other apps', g.byOtherApps);
  group("by Meta's automatic adjustments", g.byMeta);
  for (const a of r.changes.anomalies)
    out.push(`  First change behind ${a.rule} on "${shown(a.entityName)}": ${shown(a.sentence)}`);
  if (r.activities?.error)
    out.push(`  (the activity log could not be read: ${shown(r.activities.error.message)})`);
  return out;
}

export const planActionsCommand = defineCommand({
  name: 'plan-actions',
  summary: summaryOf('plan-actions'),
  usage: 'metabuyer plan-actions [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(scope, values, this.usage);
  },
  run: async (env, input) =>
    planActions(await env.context(), { adAccount: input['ad-account'], actor: env.actor }),
  text(r) {
    const lines = [`Planned actions: ${r.actions.length}`, `Requires approval: ${r.requiresApproval}`];
    if (r.actions.length > 0) {
      lines.push(
        table(
          ['key', 'action', 'entity', 'change', 'approval', 'why'],
          r.plan.actions.map((a) => [
            a.key,
            a.type,
            entity(a.level, a.entityName, a.entityId),
            `${showValue(a.type, a.from, r.currency)} → ${showValue(a.type, a.to, r.currency)}`,
            a.requiresApproval ? 'required' : 'waived',
            `${a.rule}: ${shown(a.evidence.sentence)}`,
          ]),
        ),
      );
    }
    for (const e of r.earlierRejections) {
      lines.push(
        `  rejected in plan ${e.planId}: ${e.previousKey} ${e.type} ${e.level} ${e.entityName} by ${e.by ?? 'unknown'}${e.reason ? ` — "${e.reason}"` : ''}${e.key ? ` (proposed again as ${e.key})` : ''}`,
      );
    }
    for (const b of r.plan.blocked) {
      const last = b.events.at(-1);
      lines.push(
        `  not planned: ${b.rule} on ${b.action.level} ${b.action.entityId} — ${last?.guardrail}: ${shown(last?.detail)}`,
      );
    }
    lines.push(
      `Plan ${r.planId} expires ${localTime(r.expiresAt, r.timezoneName)}.${r.supersededPlanId ? ` It supersedes ${r.supersededPlanId}.` : ''}`,
    );
    if (r.actions.length > 0)
      lines.push(
        'Decide with `metabuyer approve A1 …` / `reject` (or in the Slack thread), then `metabuyer execute-actions --confirm …`.',
      );
    return lines.join('\n');
  },
  json: (r) => ({
    plan: {
      id: r.planId,
      run_id: r.runId,
      expires_at: r.expiresAt,
      superseded_plan_id: r.supersededPlanId,
      earlier_rejections: r.earlierRejections.map((e) => ({
        plan_id: e.planId,
        previous_key: e.previousKey,
        key: e.key,
        type: e.type,
        level: e.level,
        entity_id: e.entityId,
        entity_name: e.entityName,
        by: e.by,
        reason: e.reason,
      })),
      actions: r.plan.actions.map((a) => ({
        ...toPlanActionJson(a),
        entity_name: a.entityName,
        rule: a.rule,
        evidence: a.evidence.sentence,
      })),
    },
  }),
});
