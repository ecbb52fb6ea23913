import { parseAgentConfig } from '../domain/agent-config.js';
import { toMinorUnits } from '../domain/money.js';
import { buildPlan } from '../domain/planner.js';
import { recommend } from '../domain/recommend.js';
import type { Recommendation } from '../domain/recommendation.js';
import { type RunSummary, summarize } from '../domain/summary.js';
import { DAY_MS } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { createMetaClient } from '../meta/client.js';
import { readAccountSnapshot } from '../meta/snapshot-reader.js';
import { loadScenarioFile, startSimulator } from '../sim/index.js';

export interface BacktestInput {
  scenarioPath: string;
  days: number;
  adAccount?: string;
  /** Major units of the account currency ("120"). */
  targetCpa?: string;
  targetRoas?: number;
  datePreset?: string;
}

export interface BacktestDay {
  /** The moment the engine ran at (the scenario's clock moved back to it). */
  asOf: string;
  window: { since: string; until: string };
  summary: RunSummary;
  recommendations: Recommendation[];
  plannedActions: Array<{
    key: string;
    type: string;
    entityId: string;
    from: string | number;
    to: string | number;
  }>;
}

export interface BacktestResult {
  adAccountId: string;
  currency: string;
  days: BacktestDay[];
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
  } finally {
    client.close();
    await sim.close();
  }
  return { adAccountId: account.id, currency: account.currency, days, firings: firingsOf(days) };
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

function firingsOf(days: BacktestDay[]): BacktestResult['firings'] {
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
