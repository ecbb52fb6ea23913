import { z } from 'zod';
import { followupSentence, horizonWords, writeLabel } from '../../domain/outcome-text.js';
import { type ActionLogResult, actionLog } from '../../ops/action-log.js';
import { validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { entity, localTime, shown, table } from '../format.js';
import { summaryOf } from '../registry.js';
import { showValue } from './values.js';

export const actionLogCommand = defineCommand({
  name: 'action-log',
  summary: summaryOf('action-log'),
  usage: 'metabuyer action-log [--limit N] [--ad-account ID] [--json]',
  flags: { limit: { type: 'string', placeholder: 'N', description: 'how many entries (1–500, default 20)' } },
  parse(values) {
    return validateFlags(
      z.object({
        'ad-account': z.string().optional(),
        limit: wholeNumberFlag(1, 500).default(20),
      }),
      values,
      this.usage,
    );
  },
  run: async (env, input) =>
    actionLog(await env.context(), {
      adAccount: input['ad-account'],
      actor: env.actor,
      limit: input.limit,
    }),
  text(r) {
    // Intents are the write-ahead half of each write; the JSON keeps them, people read outcomes.
    const outcomes = r.entries.filter((e) => e.event !== 'intent');
    const decisions = [...decisionLines(r.decisions), ...agentEventLines(r.agentEvents)];
    if (outcomes.length === 0) return [`No writes logged yet for ${r.adAccountId}.`, ...decisions].join('\n');
    const writes = table(
      ['when', 'what', 'key', 'entity', 'before → after', 'outcome', 'approved by', 'confirmed by'],
      outcomes.map((e) => [
        localTime(e.at, r.timezoneName),
        e.kind === 'rollback' ? `rollback ${e.type}` : e.type,
        e.key,
        entity(e.level, e.entityName, e.entityId),
        `${showValue(e.type, e.from, r.currency)} → ${showValue(e.type, e.to, r.currency)}`,
        e.reason ? `${e.outcome}: ${shown(e.reason)}` : e.outcome,
        e.approvedBy.map(shown).join(', ') || '—',
        shown(e.confirmedBy) || '—',
      ]),
    );
    return [writes, ...followupLines(outcomes, r.currency), ...decisions].join('\n');
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    currency: r.currency,
    entries: r.entries.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind,
      event: e.event,
      outcome: e.outcome,
      key: e.key,
      type: e.type,
      level: e.level,
      entity_id: e.entityId,
      entity_name: e.entityName,
      from: e.from,
      to: e.to,
      observed: e.observed,
      // Budgets are integer minor units of this currency; statuses are strings.
      currency: r.currency,
      approved_by: e.approvedBy,
      confirmed_by: e.confirmedBy,
      environment: e.environment,
      reason: e.reason,
      rollback_of: e.rollbackOf,
      followups: e.followups.map((f) => ({
        id: f.id,
        horizon: f.horizon,
        status: f.status,
        due_at: f.dueAt,
        evaluated_at: f.evaluatedAt,
        verdict: f.verdict,
        reason: f.reason,
        metric: f.metric,
        subject: f.subject,
        change: f.change,
        interval: f.interval,
        // Signed integer minor units of the account currency; negative = lost.
        money: f.moneyMinor,
        currency: r.currency,
      })),
    })),
    // Decisions beside the writes: who approved, rejected or cleared what, and why.
    decisions: r.decisions.map((d) => ({
      at: d.at,
      plan_id: d.planId,
      key: d.key,
      decision: d.decision,
      type: d.type,
      entity_id: d.entityId,
      entity_name: d.entityName,
      actor: d.actor,
      source: d.source,
      reason: d.reason,
    })),
    // Halts, kill-switch trips and resumes: when the agent stopped, why, and who resumed it.
    agent_events: r.agentEvents.map((e) => ({
      at: e.at,
      kind: e.kind,
      trip_kind: e.tripKind,
      reason: e.reason,
      actor: e.actor,
    })),
  }),
});

/** Each applied write's follow-ups: "A1 pause ad set X: hurt at 72 h — parent CPA +18 % (…)". */
function followupLines(entries: ActionLogResult['entries'], currency: string): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    for (const f of e.followups) {
      const what = writeLabel({ ...e, name: shown(e.entityName) || e.entityId });
      const verdict = f.summary
        ? followupSentence(f.summary, currency)
        : `due ${f.dueAt.replace('T', ' ').slice(0, 16)} UTC (${horizonWords(f.horizon)})`;
      lines.push(`  ${what}: ${verdict}`);
    }
  }
  return lines.length > 0 ? ['Follow-ups:', ...lines] : [];
}

/** Halts, trips and resumes, newest first. */
function agentEventLines(events: ActionLogResult['agentEvents']): string[] {
  if (events.length === 0) return [];
  return [
    'Halts and resumes:',
    ...events.map(
      (e) =>
        `  ${e.at.replace('T', ' ').slice(0, 19)} ${e.kind}${e.tripKind ? ` (${e.tripKind})` : ''} by ${e.actor}: ${e.reason}`,
    ),
  ];
}

/** Decisions beside the writes, so a rejection and its reason stay on record. */
function decisionLines(decisions: ActionLogResult['decisions']): string[] {
  if (decisions.length === 0) return [];
  return [
    'Decisions:',
    ...decisions.map(
      (d) =>
        `  ${d.at.replace('T', ' ').slice(0, 19)} ${d.decision} ${d.key} (${d.entityName}, plan ${d.planId}) by ${d.actor}${d.reason ? `: ${d.reason}` : ''}`,
    ),
  ];
}
