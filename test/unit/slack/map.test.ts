import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/domain/planner.js';
import { recommend } from '../../../src/domain/recommend.js';
import { summarize } from '../../../src/domain/summary.js';
import { evidenceGrade, reportViewFromRun } from '../../../src/slack/blocks/map.js';
import { renderReport } from '../../../src/slack/blocks/report.js';
import { demoSnapshot } from '../../support/demo-snapshot.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';
import { config } from '../domain/builders.js';

const snapshot = demoSnapshot();
const c = config();
const recs = recommend({ snapshot, config: c });
const plan = buildPlan({ snapshot, recommendations: recs, config: c });

describe('the report of the demo account, from the engine’s own output', () => {
  const keys = new Map(plan.actions.map((a) => [a.recommendationId, a.key]));
  const view = reportViewFromRun(
    {
      runId: 'run_demo',
      adAccountId: snapshot.account.id,
      snapshot,
      summary: summarize(snapshot),
      recommendations: recs,
    },
    { environment: 'sandbox', planId: 'pln_demo', actionKeys: keys },
  );

  it('maps the run: figures, 14 days of spend, recommendations with their plan keys', () => {
    expect(view.current).toEqual({ spend: 284_319, purchases: 19, cpa: 14_964, roas: 1.21 });
    expect(view.dailySpend).toHaveLength(14);
    expect(view.recommendations.map((r) => r.severity)).toEqual(recs.map((r) => r.severity));
    expect(view.recommendations.filter((r) => r.actionKey).map((r) => r.actionKey)).toEqual(
      plan.actions.map((a) => a.key),
    );
  });

  it('renders as the transcript reads it, and Slack would accept it', () => {
    const [msg, ...rest] = renderReport(view);
    assertValidMessage(msg!);
    expect(rest).toEqual([]);
    expect(msg!.text).toContain('spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21');
    expect(msg!.text).toContain('2 high · 3 medium · 1 low');
  });

  it('grades every finding’s evidence in words', () => {
    const grades = recs.map((r) => evidenceGrade(r.evidence));
    expect(grades.every((g) => g.length > 0)).toBe(true);
    const bounded = recs.find((r) => r.evidence.bounds);
    expect(bounded).toBeDefined();
    expect(evidenceGrade(bounded!.evidence)).toMatch(/^\d+(\.\d+)? % confidence bound$/);
  });
});
