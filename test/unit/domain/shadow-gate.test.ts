/**
 * The shadow gate: which rules may propose actions, given the minimum precision each requires and what
 * was measured on the account. Pure; every reason is what an operator reads in run-now, status and Slack.
 */
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../src/domain/agent-config.js';
import { type MeasuredPrecision, precisionDue, shadowStatuses } from '../../../src/domain/shadow.js';

const NOW = '2026-11-30T15:00:00.000Z';
const daysAgo = (n: number) => new Date(Date.parse(NOW) - n * 86_400_000).toISOString();

const config = (shadow: Record<string, unknown>) =>
  parseAgentConfig({ targetCpaMinor: 12_000, targetRoas: 1.8, shadow });

const measured = (m: Partial<MeasuredPrecision> = {}): MeasuredPrecision => ({
  verdicts: 40,
  confirmed: 38,
  precision: 0.95,
  low: 0.84,
  high: 0.99,
  measuredAt: daysAgo(2),
  targets: { cpa: 12_000, roas: 1.8 },
  ...m,
});

describe('the shadow gate', () => {
  const c = config({ minPrecision: { high_cpa: 0.7 } });

  it('keeps a rule that requires a precision in shadow while it is not measured', () => {
    expect(shadowStatuses(c, {}, NOW)).toEqual([
      {
        rule: 'high_cpa',
        reason: 'needs backtest precision ≥ 70 % on this account; not measured yet',
        required: 0.7,
      },
    ]);
  });

  it('lets a rule act once the lower end of its measured interval clears the minimum', () => {
    expect(shadowStatuses(c, { high_cpa: measured() }, NOW)).toEqual([]);
  });

  it('keeps a rule whose lower bound is below the minimum in shadow, naming the measured figures', () => {
    const weak = measured({ verdicts: 30, confirmed: 24, precision: 0.8, low: 0.63, high: 0.91 });
    const [s] = shadowStatuses(c, { high_cpa: weak }, NOW);
    expect(s).toMatchObject({ rule: 'high_cpa', required: 0.7, measured: weak });
    expect(s!.reason).toBe(
      'needs backtest precision ≥ 70 %; measured 80 % (interval 63–91 %) on 30 verdicts',
    );
  });

  it('needs the minimum number of judged verdicts, whatever their precision', () => {
    const few = measured({ verdicts: 6, confirmed: 6, precision: 1, low: 0.61, high: 1 });
    expect(shadowStatuses(c, { high_cpa: few }, NOW)[0]!.reason).toBe(
      'needs backtest precision ≥ 70 % on at least 10 judged verdicts; measured 100 % (interval 61–100 %) on 6 verdicts',
    );
    const fewer = config({ minPrecision: { high_cpa: 0.6 }, minPrecisionCases: 5 });
    expect(shadowStatuses(fewer, { high_cpa: few }, NOW)).toEqual([]);
  });

  it('says a rule measured without any judged verdict has none yet', () => {
    const none = measured({ verdicts: 0, confirmed: 0, precision: null, low: 0, high: 1 });
    expect(shadowStatuses(c, { high_cpa: none }, NOW)[0]!.reason).toContain(
      'no verdict of it could be judged yet',
    );
  });

  it('treats a measurement older than staleAfterDays as stale, and re-measures', () => {
    const old = measured({ measuredAt: daysAgo(31) });
    expect(shadowStatuses(c, { high_cpa: old }, NOW)[0]!.reason).toBe(
      'needs backtest precision ≥ 70 %; measured 31 days ago, too old to rely on; re-measuring',
    );
    expect(shadowStatuses(c, { high_cpa: measured({ measuredAt: daysAgo(29) }) }, NOW)).toEqual([]);
    const lenient = config({ minPrecision: { high_cpa: 0.7 }, staleAfterDays: 60 });
    expect(shadowStatuses(lenient, { high_cpa: old }, NOW)).toEqual([]);
  });

  it('does not count a measurement taken under other targets', () => {
    const other = measured({ targets: { cpa: 6_000, roas: 1.8 } });
    expect(shadowStatuses(c, { high_cpa: other }, NOW)[0]!.reason).toBe(
      'needs backtest precision ≥ 70 % on this account; measured under other targets; re-measuring',
    );
  });

  it("puts a rule the agent set to shadow there whatever its precision, and leaves other rules' measurements alone", () => {
    const both = config({ rules: ['high_cpa'], minPrecision: { high_cpa: 0.7, scale_winner: 0.6 } });
    const statuses = shadowStatuses(both, { high_cpa: measured(), scale_winner: measured() }, NOW);
    expect(statuses).toEqual([{ rule: 'high_cpa', reason: 'set to shadow by the agent' }]);
  });

  it('lists rules in rule-id order', () => {
    const many = config({ minPrecision: { zero_conversions: 0.5, high_cpa: 0.7, low_roas: 0.6 } });
    expect(shadowStatuses(many, {}, NOW).map((s) => s.rule)).toEqual([
      'high_cpa',
      'low_roas',
      'zero_conversions',
    ]);
  });
});

describe('when the poll measures again', () => {
  it('measures when a required measurement is missing, old, or under other targets — never for nothing', () => {
    const c = config({ minPrecision: { high_cpa: 0.7 } });
    expect(precisionDue(config({}), {}, NOW)).toBe(false);
    expect(precisionDue(c, {}, NOW)).toBe(true);
    expect(precisionDue(c, { high_cpa: measured({ measuredAt: daysAgo(6) }) }, NOW)).toBe(false);
    expect(precisionDue(c, { high_cpa: measured({ measuredAt: daysAgo(7) }) }, NOW)).toBe(true);
    expect(precisionDue(c, { high_cpa: measured({ targets: { cpa: 1, roas: 1.8 } }) }, NOW)).toBe(true);
    const daily = config({ minPrecision: { high_cpa: 0.7 }, remeasureAfterDays: 1 });
    expect(precisionDue(daily, { high_cpa: measured({ measuredAt: daysAgo(2) }) }, NOW)).toBe(true);
  });

  it('does not measure for a rule the agent keeps in shadow anyway', () => {
    const c = config({ rules: ['high_cpa'], minPrecision: { high_cpa: 0.7 } });
    expect(precisionDue(c, {}, NOW)).toBe(false);
  });
});
