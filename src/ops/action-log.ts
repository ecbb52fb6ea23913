import type { AppContext } from '../app/context.js';
import { newestLog } from '../db/repos/action-log.js';
import { type AgentEventRow, newestAgentEvents } from '../db/repos/agent-events.js';
import { newestDecisions } from '../db/repos/decisions.js';
import type { Actor } from '../domain/actor.js';
import type { FollowupSummary } from '../domain/outcome-text.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { ensureFollowups, type FollowupRow, followupsOf, summaryOf } from './followups.js';
import type { AgentEventEntry } from './status-facts.js';

/**
 * How a logged write ended, in the words execute and rollback report: applied, skipped (stale or
 * refused before writing), failed, unknown (to be reconciled), rolled_back; `intent` for the
 * write-ahead record that precedes every outcome.
 */
export type LogOutcome = 'intent' | 'applied' | 'skipped' | 'failed' | 'unknown' | 'rolled_back' | 'refused';

export function outcomeOf(kind: 'execute' | 'rollback', event: string): LogOutcome {
  switch (event) {
    case 'intent':
      return 'intent';
    case 'applied':
    case 'reconciled': // an unknown write settled by reading live state: it took effect
      return kind === 'rollback' ? 'rolled_back' : 'applied';
    case 'stale':
      return kind === 'rollback' ? 'refused' : 'skipped';
    case 'refused':
      return kind === 'rollback' ? 'refused' : 'skipped';
    case 'unknown':
      return 'unknown';
    default:
      return 'failed';
  }
}

export interface ActionLogEntry {
  id: string;
  at: string;
  kind: 'execute' | 'rollback';
  event: string;
  outcome: LogOutcome;
  key: string | null;
  type: string;
  level: string;
  entityId: string;
  entityName: string | null;
  from: string | number;
  to: string | number;
  observed: string | number | null;
  approvedBy: string[];
  confirmedBy: string | null;
  environment: string;
  reason: string | null;
  rollbackOf: string | null;
  /** The outcome follow-ups of an applied write (24 h, 72 h, 7 days); empty for every other entry. */
  followups: FollowupEntry[];
}

/** One follow-up of an applied write: due, or done with its verdict (src/domain/outcome.ts). */
export interface FollowupEntry {
  id: string;
  horizon: '24h' | '72h' | '7d';
  status: 'due' | 'done';
  dueAt: string;
  evaluatedAt: string | null;
  verdict: 'helped' | 'hurt' | 'inconclusive' | null;
  reason: string | null;
  metric: 'cpa' | 'roas' | null;
  /** Which subject was measured: the entity, its parent (after a pause) or the account. */
  subject: { role: string; id: string; name: string } | null;
  change: number | null;
  interval: { low: number; high: number } | null;
  /** Signed minor units of the account currency; negative = lost. */
  moneyMinor: number | null;
  /** What the front doors render (src/domain/outcome-text.ts); null while due. */
  summary: FollowupSummary | null;
}

function followupEntry(f: FollowupRow): FollowupEntry {
  const s = summaryOf(f);
  const detail = f.detail as { subjects?: Array<{ role: string; id: string; name: string }> } | null;
  const first = detail?.subjects?.[0];
  return {
    id: f.id,
    horizon: f.horizon,
    status: f.status,
    dueAt: f.dueAt.toISOString(),
    evaluatedAt: f.evaluatedAt ? f.evaluatedAt.toISOString() : null,
    verdict: f.verdict,
    reason: f.reason,
    metric: s?.metric ?? null,
    subject: first ? { role: first.role, id: first.id, name: first.name } : null,
    change: s?.change ?? null,
    interval: s?.interval ?? null,
    moneyMinor: f.moneyMinor,
    summary: s,
  };
}

/** An APPROVE / REJECT / CLEAR, with the plan it answered and the decider's reason. */
export interface DecisionEntry {
  at: string;
  planId: string;
  key: string;
  decision: 'approve' | 'reject' | 'clear';
  type: string;
  entityId: string;
  entityName: string;
  actor: string;
  source: string;
  reason: string | null;
}

export interface ActionLogResult {
  adAccountId: string;
  currency: string;
  timezoneName: string | null;
  entries: ActionLogEntry[];
  /** The newest decisions, so a rejection and its reason are on record beside the writes. */
  decisions: DecisionEntry[];
  /** The newest halts, kill-switch trips and resumes, with who and why. */
  agentEvents: AgentEventEntry[];
}

export function agentEventEntry(e: AgentEventRow): AgentEventEntry {
  return { at: e.at.toISOString(), kind: e.kind, tripKind: e.tripKind, reason: e.reason, actor: e.actor };
}

/**
 * The newest entries of the append-only log (who approved, who confirmed, before → after, outcome) and
 * the newest decisions with their reasons.
 */
export async function actionLog(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor; limit: number },
): Promise<ActionLogResult> {
  const { db, agent } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'view', agent);
  // Follow-ups are created lazily for applied writes (the sweep does it too); idempotent.
  await ensureFollowups(db, agent.id, ctx.clock.now());
  const rows = await newestLog(db, agent.id, input.limit);
  const followups = await followupsOf(
    db,
    rows.map((r) => r.id),
  );
  const decisions = await newestDecisions(db, agent.id, input.limit);
  const events = await newestAgentEvents(db, agent.id, input.limit);
  return {
    agentEvents: events.map(agentEventEntry),
    decisions: decisions.map((d) => ({
      at: d.decidedAt.toISOString(),
      planId: d.planId,
      key: d.key,
      decision: d.decision,
      type: d.type,
      entityId: d.entityId,
      entityName: d.entityName,
      actor: d.actor,
      source: d.source,
      reason: d.reason,
    })),
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    timezoneName: agent.timezoneName,
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      kind: r.kind,
      event: r.event,
      outcome: outcomeOf(r.kind, r.event),
      key: r.actionKey,
      type: r.type,
      level: r.level,
      entityId: r.entityId,
      entityName: r.entityName,
      from: r.fromValue,
      to: r.toValue,
      observed: r.observedValue ?? null,
      approvedBy: r.approvedBy,
      confirmedBy: r.confirmedBy,
      environment: r.environment,
      reason: r.reason,
      rollbackOf: r.rollbackOf,
      followups: followups.filter((f) => f.actionLogId === r.id).map(followupEntry),
    })),
  };
}

export type { AgentEventEntry };
