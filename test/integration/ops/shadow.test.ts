import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

describe('shadow mode from the CLI', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsHarness();
    await h.onboard();
  });
  afterAll(async () => h.close());

  it('puts high_cpa in shadow: run-now says so and still reports the finding, and the plan does not pause', async () => {
    await expectOk(h.cli('setup', '--shadow-rules', 'high_cpa', '--apply'));
    const text = (await expectOk(h.cli('run-now'))).stdout;
    expect(text).toContain('Shadow: high_cpa recommends but does not plan: set to shadow by the agent.');
    expect(text).toMatch(/\[high\] high_cpa · adset "Broad US 25-54" \(11\) \(alert\)/);
    expect(text).toContain('shadow mode (set to shadow by the agent): recommended, not planned');

    const json = (await expectOk(h.cli('run-now', '--json'))).json();
    const rec = json.recommendations.find((r: { rule: string; entity_id: string }) => r.rule === 'high_cpa')!;
    expect(rec.action).toBeNull();
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
    expect(
      plan.some((a: { entity_id: string; to: unknown }) => a.entity_id === '11' && a.to === 'PAUSED'),
    ).toBe(false);
  });

  it('refuses an unknown rule id with a message naming the valid ones', async () => {
    const r = await h.cli('setup', '--shadow-rules', 'high_cpa,pause_everything', '--apply');
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/must be rule ids/);
  });
});
