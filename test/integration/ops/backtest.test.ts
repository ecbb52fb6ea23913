import { describe, expect, it } from 'vitest';
import { backtest } from '../../../src/ops/backtest.js';
import { expectOk, type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { SEED_PATH } from '../../support/sim.js';

describe('backtest', () => {
  it('replays each past day with the same engine: its last day is exactly what run-now finds today', async () => {
    const replay = await backtest({ scenarioPath: SEED_PATH, days: 4, targetCpa: '120', targetRoas: 1.8 });
    expect(replay.days.map((d) => d.window.until)).toEqual([
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
    ]);
    const last = replay.days.at(-1)!;
    expect(last.summary).toMatchObject({ spend: 284319, purchases: 19 });

    let h: OpsHarness | undefined;
    try {
      h = await startOpsHarness();
      await h.onboard();
      const live = (await expectOk(h.cli('run-now', '--json'))).json();
      expect(last.recommendations.map((r) => r.id)).toEqual(
        live.recommendations.map((r: { id: string }) => r.id),
      );
      const plan = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
      expect(last.plannedActions.map((a) => [a.type, a.entityId, a.from, a.to])).toEqual(
        plan.map((a: { type: string; entity_id: string; from: unknown; to: unknown }) => [
          a.type,
          a.entity_id,
          a.from,
          a.to,
        ]),
      );
    } finally {
      await h?.close();
    }
  });

  it('says when each finding first appeared', async () => {
    const replay = await backtest({ scenarioPath: SEED_PATH, days: 5, targetCpa: '120', targetRoas: 1.8 });
    const zero = replay.firings.find((f) => f.rule === 'zero_conversions' && f.entityId === '111');
    expect(zero?.dates[0]).toBe('2026-11-17');
    // With fewer days of data the same ad had not yet spent enough to be sure.
    expect(
      replay.days[0]!.recommendations.some((r) => r.rule === 'zero_conversions' && r.entityId === '111'),
    ).toBe(false);
  });

  it('is deterministic', async () => {
    const a = await backtest({ scenarioPath: SEED_PATH, days: 3, targetCpa: '120', targetRoas: 1.8 });
    const b = await backtest({ scenarioPath: SEED_PATH, days: 3, targetCpa: '120', targetRoas: 1.8 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('refuses an account the scenario does not have', async () => {
    await expect(backtest({ scenarioPath: SEED_PATH, days: 1, adAccount: 'act_42' })).rejects.toThrow(
      /no ad account act_42/,
    );
  });
});
