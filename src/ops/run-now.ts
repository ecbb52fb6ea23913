import type { AppContext } from '../app/context.js';
import { updateAgent } from '../db/repos/agents.js';
import { insertRecommendations } from '../db/repos/recommendations.js';
import { completeRun, failRun, setRunShadow, startRun } from '../db/repos/runs.js';
import type { Actor } from '../domain/actor.js';
import type { AgentConfig } from '../domain/agent-config.js';
import { type RunNowJson, toRecommendationJson, toRunNowJson } from '../domain/contract.js';
import { addDays } from '../domain/dates.js';
import { pollsWhileHalted, type TodaySpend } from '../domain/kill-switch.js';
import { formatMoney } from '../domain/money.js';
import { recommend } from '../domain/recommend.js';
import type { Recommendation } from '../domain/recommendation.js';
import { precisionDue, type ShadowStatus, shadowStatuses } from '../domain/shadow.js';
import type { Snapshot } from '../domain/snapshot.js';
import { type RunSummary, summarize } from '../domain/summary.js';
import { toAppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { DEFAULT_DAILY_LEVELS, readAccountSnapshot } from '../meta/snapshot-reader.js';
import { readTodaySpend } from '../meta/today.js';
import {
  type ActivitySync,
  anomaliesJson,
  type ChangesReport,
  changesJson,
  changesOf,
  syncActivities,
  windowStart,
} from './activities.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, refuseIfHalted, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { withMeta } from './credentials.js';
import { ourPauses, recentWrites } from './history.js';
import { checkAfterPoll, checkPollError, type FiredTrip } from './kill-switch.js';
import { historyRead, measureAndStore, storedPrecision } from './rule-precision.js';

export interface RunNowResult {
  runId: string;
  adAccountId: string;
  snapshot: Snapshot;
  summary: RunSummary;
  recommendations: Recommendation[];
  graphCalls: number;
  /** "spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21" */
  summaryLine: string;
  counts: { high: number; medium: number; low: number };
  /** Rules still in shadow (recommend, never plan), and why. */
  shadow: ShadowStatus[];
  /**
   * Set when this run measured the rules' precision again (a rule requires a minimum and its
   * measurement was missing or old): the past days replayed. Null when it did not, or the measurement
   * failed (`failed` says why; the run itself goes on, its rules judged on what was stored).
   */
  precisionMeasured: { since: string; until: string } | { failed: string } | null;
  report: { posted: boolean; detail: string };
  /** Rules that could not run for want of a target (an agent set up without targets). */
  rulesWithoutTargets: RuleWithoutTarget[];
  /** The activity log read of this poll (since the newest stored entry). */
  activities: ActivitySync;
  /** Who changed what over the window (people, other apps, Meta; ours counted), and what came first. */
  changes: ChangesReport;
  /** What this poll tripped (the agent is now halted), or null. */
  tripped: FiredTrip | null;
}

export interface RuleWithoutTarget {
  rule: string;
  missing: Array<'target_cpa' | 'target_roas'>;
}

/** The enabled rules that stay silent because the target they compare against is not set. */
export function rulesWithoutTargets(config: AgentConfig): RuleWithoutTarget[] {
  const cpa = config.targetCpaMinor === null;
  const roas = config.targetRoas === null;
  const r = config.rules;
  const out: RuleWithoutTarget[] = [];
  const check = (rule: string, enabled: boolean, needsCpa: boolean, needsRoas: boolean) => {
    const missing = [
      ...(needsCpa && cpa ? (['target_cpa'] as const) : []),
      ...(needsRoas && roas ? (['target_roas'] as const) : []),
    ];
    if (enabled && missing.length > 0) out.push({ rule, missing });
  };
  check('high_cpa', r.highCpa.enabled, true, false);
  check('zero_conversions', r.zeroConversions.enabled, true, false);
  check('low_roas', r.lowRoas.enabled, false, true);
  check('scale_winner', r.scaleWinner.enabled, true, true);
  check('tracking_broken', r.trackingBroken.enabled, true, false);
  return out;
}

/**
 * One poll-and-recommend cycle: read the account from Meta, store the snapshot, run the engine, store
 * the recommendations, all under one run record. A failure is stored on the run and rethrown; nothing
 * half-written survives it.
 */
export async function runNow(
  ctx: AppContext,
  input: AgentSelector & {
    actor: Actor;
    trigger: 'cli' | 'slack' | 'schedule' | 'demo';
    onProgress?: (step: string) => void;
  },
): Promise<RunNowResult> {
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'run', agent);
  // A kill-switch halt stops writes, not watching: its polls still run and report.
  if (!pollsWhileHalted(agent)) refuseIfHalted(agent, 'polling');
  const config = agentConfigOf(agent);
  const watchToday = !agent.halted && config.killSwitch.enabled;
  const started = ctx.clock.now();
  const run = await startRun(db, {
    id: newId('run', started.getTime()),
    agentId: agent.id,
    trigger: input.trigger,
    startedAt: started,
    datePreset: config.datePreset,
  });
  try {
    let measured = await storedPrecision(db, agent.id);
    // A rule that requires a minimum precision is measured again when its measurement is missing or
    // old, on this same read: its daily rows then reach back far enough (and to every level) for the
    // replay, and are trimmed back to the usual ones for the run itself.
    const measure = precisionDue(config, measured, started.toISOString());
    input.onProgress?.(
      `Reading ${agent.adAccountId} from Meta (metadata and insights at 3 levels${measure ? ', with the history to measure rule precision' : ''})…`,
    );
    const {
      snapshot: read,
      today,
      calls,
      activities,
    } = await withMeta(ctx, connection, async (client) => {
      const before = client.callsSent;
      const snap = await readAccountSnapshot(client, {
        adAccountId: agent.adAccountId,
        datePreset: config.datePreset,
        takenAt: started,
        ...(measure ? historyRead(config) : {}),
      });
      // Who changed what since the last poll (the first poll: since the window began).
      const log = await syncActivities(ctx, db, client, agent.adAccountId, windowStart(snap));
      // Today's spend so far, for the kill switch's pace trip; a failed read only skips that trip.
      let today: TodaySpend | null = null;
      if (watchToday) {
        try {
          today = await readTodaySpend(client, snap.account, snap.purchaseActionType, started);
        } catch (e) {
          const err = toAppError(e);
          if (err.verdict === 'reauthenticate' || err.verdict === 'permission') throw e;
          ctx.logger.warn("today's spend not read: the pace trip is not judged this poll", {
            code: err.code,
          });
        }
      }
      return { snapshot: snap, today, calls: client.callsSent - before, activities: log };
    });
    let precisionMeasured: RunNowResult['precisionMeasured'] = null;
    if (measure) {
      try {
        const replay = await measureAndStore(db, agent, config, read, { source: 'poll', at: started });
        measured = await storedPrecision(db, agent.id);
        precisionMeasured = { since: replay.since, until: replay.until };
      } catch (e) {
        const err = toAppError(e);
        precisionMeasured = { failed: ctx.redactor.string(err.message) };
        ctx.logger.warn('rule precision not measured', { agentId: agent.id, code: err.code });
      }
    }
    const snapshot = measure ? usualSnapshot(read) : read;
    input.onProgress?.(`Read ${snapshot.entities.length} objects in ${calls} Graph calls; recommending…`);
    const history = await recentWrites(db, agent.id, started);
    const pausedByUs = await ourPauses(db, agent.id, started);
    const recommendations = recommend({
      snapshot,
      config,
      history,
      pausedByUs,
      precision: measured,
      now: started.toISOString(),
    });
    const shadow = shadowStatuses(config, measured, started.toISOString());
    const summary = summarize(snapshot);
    const finished = ctx.clock.now();
    await completeRun(db, run.id, snapshot, { ...summary }, calls, finished, async (tx) => {
      await insertRecommendations(
        tx,
        recommendations.map((r, i) => {
          const json = toRecommendationJson(r);
          return {
            runId: run.id,
            id: r.id,
            ordinal: i,
            rule: r.rule,
            severity: r.severity,
            level: r.level,
            entityId: r.entityId,
            entityName: r.entityName,
            action: json.action as Record<string, unknown> | null,
            evidence: json.evidence,
            message: r.evidence.sentence,
          };
        }),
      );
      await setRunShadow(tx, run.id, shadow.map(shadowJson));
    });
    await updateAgent(
      db,
      agent.id,
      {
        lastRunAt: started,
        // Only a scheduler promises a next run: a manual run moves an existing schedule forward, and
        // never invents one that no worker will keep (status would then promise a run that never comes).
        nextRunAt:
          input.trigger === 'schedule' || agent.nextRunAt
            ? new Date(started.getTime() + agent.intervalSeconds * 1000)
            : null,
      },
      finished,
    );
    let tripped: FiredTrip | null = null;
    try {
      tripped = await checkAfterPoll(ctx, { agent, config, snapshot, today, run });
    } catch (e) {
      ctx.logger.error('kill switch checks failed', { runId: run.id, error: toAppError(e).message });
    }
    const counts = { high: 0, medium: 0, low: 0 };
    for (const r of recommendations) counts[r.severity]++;
    const changes = await changesOf(ctx, db, {
      adAccountId: agent.adAccountId,
      currency: snapshot.account.currency,
      since: windowStart(snapshot),
      until: started,
      snapshot,
      recommendations,
    });
    ctx.logger.info('run succeeded', {
      runId: run.id,
      agentId: agent.id,
      graphCalls: calls,
      recommendations: recommendations.length,
    });
    return {
      runId: run.id,
      adAccountId: agent.adAccountId,
      snapshot,
      summary,
      recommendations,
      graphCalls: calls,
      summaryLine: runSummaryLine(summary, snapshot.account.currency),
      counts,
      shadow,
      precisionMeasured,
      rulesWithoutTargets: rulesWithoutTargets(config),
      activities,
      changes,
      tripped,
      report: config.slackTarget
        ? {
            posted: false,
            detail: `Slack reporting to ${config.slackTarget} is not available from this process yet.`,
          }
        : { posted: false, detail: 'No Slack channel configured (setup --slack-target channel:C…).' },
    };
  } catch (e) {
    const err = toAppError(e);
    await failRun(db, run.id, { code: err.code, message: ctx.redactor.string(err.message) }, ctx.clock.now());
    await checkPollError(ctx, agent, err).catch((x: unknown) =>
      ctx.logger.error('kill switch check failed', { runId: run.id, error: toAppError(x).message }),
    );
    throw e;
  }
}

/** The line operators know from the transcript: "spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21". */
export function runSummaryLine(s: RunSummary, currency: string): string {
  const cpa = s.cpa === null ? 'n/a' : formatMoney(s.cpa, currency);
  const roas = s.roas === null ? 'n/a' : s.roas.toFixed(2);
  return `spend ${formatMoney(s.spend, currency)} | purchases ${s.purchases} | CPA ${cpa} | ROAS ${roas}`;
}

export function runNowJson(r: RunNowResult) {
  const json: RunNowJson = toRunNowJson(r.runId, r.snapshot, r.recommendations);
  return {
    ...json,
    run: {
      ...json.run,
      summary_text: r.summaryLine,
      // Absent on a result from an older worker.
      ...(r.changes
        ? {
            changes: {
              ...changesJson(r.changes, r.activities ?? null),
              anomalies: anomaliesJson(r.changes),
            },
          }
        : {}),
      // Rules that recommend but plan nothing, and why (inside `run`, as the contract fixes the top level).
      shadow: r.shadow.map(shadowJson),
    },
  };
}

/** The snapshot a run keeps: daily rows of the usual levels and days (a measuring read has more). */
function usualSnapshot(s: Snapshot): Snapshot {
  const levels = new Set<string>(DEFAULT_DAILY_LEVELS);
  const since = s.metaToday ? addDays(s.metaToday, -14) : '';
  return { ...s, dailyRows: s.dailyRows.filter((r) => levels.has(r.level) && r.date >= since) };
}

/** A shadow status as stored on the run and printed by `run-now --json` (snake_case). */
export function shadowJson(s: ShadowStatus): ShadowJson {
  return {
    rule: s.rule,
    reason: s.reason,
    ...(s.required === undefined ? {} : { required_precision: s.required }),
    ...(s.measured
      ? {
          precision: {
            verdicts: s.measured.verdicts,
            confirmed: s.measured.confirmed,
            precision: s.measured.precision,
            interval: { low: s.measured.low, high: s.measured.high, level: 0.95 },
            measured_at: s.measured.measuredAt ?? null,
          },
        }
      : {}),
  };
}

export interface ShadowJson {
  rule: string;
  reason: string;
  required_precision?: number;
  precision?: {
    verdicts: number;
    confirmed: number;
    precision: number | null;
    interval: { low: number; high: number; level: number };
    measured_at: string | null;
  };
}
