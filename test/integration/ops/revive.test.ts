import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';

describe('revive from the action log', () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsHarness();
    await h.onboard();
  });
  afterAll(async () => h.close());

  it('proposes re-activating an ad set MetaBuyer paused, once its figures meet the target', async () => {
    await expectOk(h.cli('run-now'));
    const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
    const pause = plan.find(
      (a: { entity_id: string; to: unknown }) => a.entity_id === '11' && a.to === 'PAUSED',
    );
    expect(pause).toBeDefined();
    await expectOk(h.cli('approve', pause.key));
    await expectOk(h.cli('setup', '--execution-enabled', 'true', '--apply'));
    await expectOk(h.cli('execute-actions', '--confirm', 'sandbox'));

    // With the target still $120, ad set 11 ($515 a purchase) stays paused.
    const still = (await expectOk(h.cli('run-now', '--json'))).json().recommendations;
    expect(still.some((r: { rule: string }) => r.rule === 'revive')).toBe(false);

    // At a $600 target CPA (and a 0.1 ROAS) its figures meet them: revive, with the evidence of when MetaBuyer paused it.
    await expectOk(h.cli('setup', '--target-cpa', '600', '--target-roas', '0.1', '--apply'));
    const recs = (await expectOk(h.cli('run-now', '--json'))).json().recommendations;
    const revive = recs.find((r: { rule: string }) => r.rule === 'revive');
    expect(revive).toMatchObject({
      id: 'rec_revive_11',
      entity_id: '11',
      action: { type: 'set_status', from: 'PAUSED', to: 'ACTIVE' },
    });
    expect(revive.evidence.sentence).toMatch(
      /^Paused by MetaBuyer on \d{4}-\d{2}-\d{2}; its figures now meet the target/,
    );
    expect(revive.evidence.paused_at).toEqual(expect.any(String));
  });
});
