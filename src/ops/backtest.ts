import { parseAgentConfig } from '../domain/agent-config.js';
import { maturityHours } from '../domain/conversion-lag.js';
import { lastCompleteDay, localDate } from '../domain/dates.js';
import { toMinorUnits } from '../domain/money.js';
import { buildPlan } from '../domain/planner.js';
import { type PrecisionVerdict, precisionByRule, type RulePrecision } from '../domain/precision.js';
import { recommend } from '../domain/recommend.js';
import type { Recommendation } from '../domain/recommendation.js';
import type { PlannedActionSummary } from '../domain/replay.js';
import { type RunSummary, summarize } from '../domain/summary.js';
import { DAY_MS } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { createMetaClient } from '../meta/client.js';
import { readAccountSnapshot } from '../meta/snapshot-reader.js';
import { loadScenarioFile, startSimulator } from '../sim/index.js';
import { backtestAgent } from './rule-precision.js';

export interface BacktestInput {
  scenarioPath: string;
  days: number;
  adAccount?: string;
  /** Major units of the account currency ("120"). */
  targetCpa?: string;
  targetRoas?: number;
  datePreset?: string;
  /** Days after a verdict that judge it (default 3). */
  horizonDays?: number;
}

export interface BacktestDay {
  /** The moment the engine ran at (the scenario's clock moved back to it). */
  asOf: string;
  window: { since: string; until: string };
  summary: RunSummary;
  recommendations: Recommendation[];
  plannedActions: PlannedActionSummary[];
}

export interface BacktestResult {
  adAccountId: string;
  currency: string;
  days: BacktestDay[];
  /** Days after each verdict that judged it. */
  horizonDays: number;
  /**
   * Per rule: how many of its daily would-be actions the following days confirmed (matured figures),
   * with a 95 % Wilson interval and the money they would have saved (negative: lost).
   */
  precision: RulePrecision[];
  /**
   * Set when the backtest ran on an agent (its live account's history): the measurement was recorded
   * for the agent, and rules that require a minimum precision are judged on it.
   */
  recorded?: { measuredAt: string; since: string; until: string; graphCalls: number };
  /** Each rule × entity that fired, with the days it fired on. */
  firings: Array<{
    rule: string;
    level: string;
    entityId: string;
    entityName: string;
    severity: string;
    dates: string[];
  }>;
}

/**
 * Replays the product's own cycle over the past days of a scenario: the simulator's clock is set back
 * to each day in turn, and the same reader, engine and planner a live run uses look at the account as
 * it stood then. There is no separate backtest logic to drift from the real one.
 */
export async function backtest(input: BacktestInput): Promise<BacktestResult> {
  const scenario = loadScenarioFile(input.scenarioPath);
  const account = input.adAccount
    ? scenario.ad_accounts.find((a) => a.id === input.adAccount || a.id === `act_${input.adAccount}`)
    : scenario.ad_accounts[0];
  if (!account) {
    throw new AppError({
      code: 'account_not_in_scenario',
      verdict: 'invalid',
      message: `The scenario has no ad account ${input.adAccount}.`,
    });
  }
  const token = scenario.tokens.find(
    (t) =>
      t.valid !== false &&
      (!t.ad_accounts || t.ad_accounts.includes(account.id)) &&
      (t.scopes.includes('ads_read') || t.scopes.includes('ads_management')),
  );
  if (!token) {
    throw new AppError({
      code: 'no_token_in_scenario',
      verdict: 'invalid',
      message: `The scenario has no valid token that can read ${account.id}.`,
    });
  }
  const config = parseAgentConfig({
    targetCpaMinor: input.targetCpa === undefined ? null : toMinorUnits(input.targetCpa, account.currency),
    targetRoas: input.targetRoas ?? null,
    ...(input.datePreset ? { datePreset: input.datePreset } : {}),
  });
  const sim = await startSimulator({ scenario: scenario });
  const client = createMetaClient({
    graphUrl: sim.url,
    appId: scenario.app.id,
    appSecret: scenario.app.secret,
    accessToken: token.token,
    logger: silentLogger,
  });
  const days: BacktestDay[] = [];
  const verdicts: PrecisionVerdict[] = [];
  const horizonDays = input.horizonDays ?? 3;
  let precision: RulePrecision[] = [];
  try {
    const end = Date.parse(scenario.now);
    for (let back = input.days - 1; back >= 0; back--) {
      const asOf = new Date(end - back * DAY_MS).toISOString();
      await setSimClock(sim.url, asOf);
      const snapshot = await readAccountSnapshot(client, {
        adAccountId: account.id,
        datePreset: config.datePreset,
        takenAt: asOf,
      });
      const recommendations = recommend({ snapshot, config, now: asOf });
      const plan = buildPlan({ snapshot, recommendations, config, now: asOf });
      // Every would-be action is a verdict, planned or not (a rule in shadow keeps it in evidence).
      const today = localDate(asOf, snapshot.account.timezone);
      for (const r of recommendations) {
        const action = r.action ?? r.evidence.shadow?.wouldBe;
        if (action) verdicts.push({ rule: r.rule, entityId: r.entityId, date: today, action });
      }
      days.push({
        asOf,
        window: { since: snapshot.window.since, until: snapshot.window.until },
        summary: summarize(snapshot),
        recommendations,
        plannedActions: plan.actions.map((a) => ({
          key: a.key,
          type: a.type,
          entityId: a.entityId,
          from: a.from,
          to: a.to,
        })),
      });
    }
    precision = await labelVerdicts(sim.url, client, account.id, scenario.now, config, verdicts, {
      horizonDays,
      replayDays: input.days,
    });
  } finally {
    client.close();
    await sim.close();
  }
  return {
    adAccountId: account.id,
    currency: account.currency,
    days,
    horizonDays,
    precision,
    firings: firingsOf(days),
  };
}

async function setSimClock(url: string, now: string): Promise<void> {
  const res = await fetch(`${url}/__sim/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ now }),
  });
  if (!res.ok)
    throw new AppError({
      code: 'sim_clock',
      verdict: 'invalid',
      message: `The simulator refused to move its clock to ${now}.`,
    });
}

export function firingsOf(
  days: ReadonlyArray<Pick<BacktestDay, 'window' | 'recommendations'>>,
): BacktestResult['firings'] {
  const byKey = new Map<string, BacktestResult['firings'][number]>();
  for (const day of days) {
    for (const r of day.recommendations) {
      const key = `${r.rule}:${r.entityId}`;
      const entry = byKey.get(key) ?? {
        rule: r.rule,
        level: r.level,
        entityId: r.entityId,
        entityName: r.entityName,
        severity: r.severity,
        dates: [],
      };
      entry.dates.push(day.window.until);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort((a, b) =>
    a.dates[0]! < b.dates[0]! ? -1 : a.dates[0]! > b.dates[0]! ? 1 : a.rule.localeCompare(b.rule),
  );
}

/**
 * Labels the verdicts with what followed, on matured data: the clock is moved past the scenario's end
 * by the lag profile's span, so every day up to the scenario's last complete one has all its purchases.
 * Only days up to that last day are known; a verdict whose horizon runs past it stays unlabelled.
 */
async function labelVerdicts(
  url: string,
  client: ReturnType<typeof createMetaClient>,
  adAccountId: string,
  scenarioNow: string,
  config: ReturnType<typeof parseAgentConfig>,
  verdicts: PrecisionVerdict[],
  opts: { horizonDays: number; replayDays: number },
): Promise<RulePrecision[]> {
  const maturedAt = new Date(
    Date.parse(scenarioNow) + (maturityHours(config.conversionLag) + 24) * 3_600_000,
  );
  await setSimClock(url, maturedAt.toISOString());
  const matured = await readAccountSnapshot(client, {
    adAccountId,
    datePreset: config.datePreset,
    takenAt: maturedAt.toISOString(),
    dailyDays: opts.replayDays + opts.horizonDays + Math.ceil(maturityHours(config.conversionLag) / 24) + 3,
    dailyLevels: ['campaign', 'adset', 'ad'],
  });
  const byKey = new Map(matured.dailyRows.map((r) => [`${r.entityId}|${r.date}`, r]));
  return precisionByRule({
    verdicts,
    day: (id, date) => byKey.get(`${id}|${date}`),
    lastDay: lastCompleteDay(scenarioNow, matured.account.timezone),
    horizonDays: opts.horizonDays,
    targetCpa: config.targetCpaMinor,
    targetRoas: config.targetRoas,
  });
}

/** An agent's backtest (src/ops/rule-precision.ts) in the shape the scenario backtest prints. */
export async function backtestOnAgent(
  ctx: Parameters<typeof backtestAgent>[0],
  input: Parameters<typeof backtestAgent>[1],
): Promise<BacktestResult> {
  const r = await backtestAgent(ctx, input);
  const days: BacktestDay[] = r.replay.days.map((d) => ({
    asOf: d.asOf,
    window: d.window,
    summary: d.summary,
    recommendations: d.recommendations,
    plannedActions: d.plannedActions,
  }));
  return {
    adAccountId: r.adAccountId,
    currency: r.currency,
    days,
    horizonDays: r.replay.horizonDays,
    precision: r.replay.precision,
    recorded: {
      measuredAt: r.measuredAt,
      since: r.replay.since,
      until: r.replay.until,
      graphCalls: r.graphCalls,
    },
    firings: firingsOf(days),
  };
}
