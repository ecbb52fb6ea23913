import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import type { AgentRow } from '../db/repos/agents.js';
import { precisionOf, type RulePrecisionInput, upsertPrecision } from '../db/repos/rule-precision.js';
import type { Actor } from '../domain/actor.js';
import type { AgentConfig } from '../domain/agent-config.js';
import { RULE_IDS, type RuleId } from '../domain/recommendation.js';
import { historyDaysNeeded, type ReplayResult, replayHistory } from '../domain/replay.js';
import type { MeasuredPrecision } from '../domain/shadow.js';
import type { Level, Snapshot } from '../domain/snapshot.js';
import { readAccountSnapshot } from '../meta/snapshot-reader.js';
import { agentConfigOf } from './agent-config.js';
import { type AgentSelector, resolveFor } from './agent-scope.js';
import { authorize } from './authorize.js';
import { withMeta } from './credentials.js';

/** Past days replayed to measure a rule's precision, and the days after each verdict that judge it. */
export const MEASURE_DAYS = 14;
export const MEASURE_HORIZON_DAYS = 3;
/** Daily rows at every level: a verdict on an ad is judged on the ad's own days. */
export const ALL_LEVELS: readonly Level[] = ['campaign', 'adset', 'ad'];

/** The agent's stored measurements, as the shadow gate reads them. */
export async function storedPrecision(
  db: Db,
  agentId: string,
): Promise<Partial<Record<RuleId, MeasuredPrecision>>> {
  const out: Partial<Record<RuleId, MeasuredPrecision>> = {};
  for (const r of await precisionOf(db, agentId)) {
    if (!(RULE_IDS as readonly string[]).includes(r.rule)) continue;
    out[r.rule as RuleId] = {
      verdicts: r.verdicts,
      confirmed: r.confirmed,
      precision: r.precision,
      low: r.low,
      high: r.high,
      measuredAt: r.measuredAt.toISOString(),
      targets: { cpa: r.targetCpaMinor, roas: r.targetRoas },
    };
  }
  return out;
}

/** The read options that give a replay of `days` days its history, in one snapshot read. */
export function historyRead(config: AgentConfig, days = MEASURE_DAYS, horizonDays = MEASURE_HORIZON_DAYS) {
  return { dailyDays: historyDaysNeeded(config, days, horizonDays), dailyLevels: ALL_LEVELS };
}

/**
 * Replays the history read and stores each rule's precision (one row per rule, every rule, so a rule that
 * made no verdict is known to have been measured). Returns the replay.
 */
export async function measureAndStore(
  db: Db,
  agent: Pick<AgentRow, 'id'>,
  config: AgentConfig,
  history: Snapshot,
  opts: { source: 'backtest' | 'poll'; at: Date; days?: number; horizonDays?: number },
): Promise<ReplayResult> {
  const replay = replayHistory({
    history,
    config,
    days: opts.days ?? MEASURE_DAYS,
    horizonDays: opts.horizonDays ?? MEASURE_HORIZON_DAYS,
  });
  const byRule = new Map(replay.precision.map((p) => [p.rule, p]));
  const rows: RulePrecisionInput[] = RULE_IDS.map((rule) => {
    const p = byRule.get(rule);
    return {
      rule,
      verdicts: p?.verdicts ?? 0,
      confirmed: p?.confirmed ?? 0,
      unlabelled: p?.unlabelled ?? 0,
      precision: p?.precision ?? null,
      low: p?.low ?? 0,
      high: p?.high ?? 1,
      moneySaved: p?.moneySaved ?? 0,
      windowSince: replay.since,
      windowUntil: replay.until,
      horizonDays: replay.horizonDays,
      targetCpaMinor: config.targetCpaMinor,
      targetRoas: config.targetRoas,
      source: opts.source,
      measuredAt: opts.at,
    };
  });
  await upsertPrecision(db, agent.id, rows);
  return replay;
}

export interface AgentBacktestResult {
  adAccountId: string;
  currency: string;
  replay: ReplayResult;
  graphCalls: number;
  measuredAt: string;
}

/**
 * `metabuyer backtest` on an agent: one read of the account's history through the agent's connection,
 * the engine replayed on each past day (src/domain/replay.ts), and each rule's precision recorded for the
 * agent — what a rule that requires a minimum precision is judged on.
 */
export async function backtestAgent(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor; days?: number; horizonDays?: number },
): Promise<AgentBacktestResult> {
  const { db, agent, connection } = await resolveFor(ctx, input.actor, input);
  authorize(input.actor, 'run', agent);
  const config = agentConfigOf(agent);
  const days = input.days ?? MEASURE_DAYS;
  const horizonDays = input.horizonDays ?? MEASURE_HORIZON_DAYS;
  const at = ctx.clock.now();
  const { history, calls } = await withMeta(ctx, connection, async (client) => {
    const before = client.callsSent;
    const snap = await readAccountSnapshot(client, {
      adAccountId: agent.adAccountId,
      datePreset: config.datePreset,
      takenAt: at,
      ...historyRead(config, days, horizonDays),
    });
    return { history: snap, calls: client.callsSent - before };
  });
  const replay = await measureAndStore(db, agent, config, history, {
    source: 'backtest',
    at,
    days,
    horizonDays,
  });
  ctx.logger.info('rule precision measured', {
    agentId: agent.id,
    source: 'backtest',
    since: replay.since,
    until: replay.until,
    rules: replay.precision.map((p) => `${p.rule}:${p.confirmed}/${p.verdicts}`).join(' '),
  });
  return {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    replay,
    graphCalls: calls,
    measuredAt: at.toISOString(),
  };
}
