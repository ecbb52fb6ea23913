import { describe, expect, it } from 'vitest';
import { labelVerdict, precisionByRule } from '../../../src/domain/precision.js';
import { wilson } from '../../../src/domain/shadow.js';
import { sums } from './builders.js';

const pause = { type: 'set_status', level: 'adset', entityId: '11', from: 'ACTIVE', to: 'PAUSED' } as const;
const raise = {
  type: 'update_daily_budget',
  level: 'adset',
  entityId: '12',
  from: 10_000,
  to: 12_000,
} as const;
// Ad set 11 kept buying at $200 a purchase after the verdict; ad set 12 at $80.
const day = (id: string) =>
  id === '11' ? sums({ spend: 20_000, purchases: 1 }) : sums({ spend: 16_000, purchases: 2 });
const base = { day, lastDay: '2026-11-29', horizonDays: 3, targetCpa: 12_000, targetRoas: null };

describe('backtest labels', () => {
  it('confirms a pause when the next days bought above target, and counts the excess as saved', () => {
    expect(
      labelVerdict({ rule: 'high_cpa', entityId: '11', date: '2026-11-20', action: pause }, base),
    ).toEqual({
      confirmed: true,
      saved: 3 * (20_000 - 12_000),
    });
  });

  it('refutes a raise on an entity that went on buying above target, and counts its share as lost', () => {
    const l = labelVerdict(
      { rule: 'scale_winner', entityId: '11', date: '2026-11-20', action: { ...raise, entityId: '11' } },
      base,
    )!;
    expect(l.confirmed).toBe(false);
    expect(l.saved).toBeCloseTo(-0.2 * 3 * 8_000, 6);
  });

  it('leaves unlabelled a verdict whose following days are not all known yet', () => {
    expect(
      labelVerdict({ rule: 'high_cpa', entityId: '11', date: '2026-11-28', action: pause }, base),
    ).toBeNull();
  });

  it('gives precision with a Wilson interval per rule', () => {
    const verdicts = [
      { rule: 'high_cpa' as const, entityId: '11', date: '2026-11-20', action: pause },
      { rule: 'high_cpa' as const, entityId: '12', date: '2026-11-20', action: { ...pause, entityId: '12' } },
      { rule: 'high_cpa' as const, entityId: '11', date: '2026-11-29', action: pause },
    ];
    const [p] = precisionByRule({ ...base, verdicts });
    expect(p).toMatchObject({ rule: 'high_cpa', verdicts: 2, confirmed: 1, unlabelled: 1, precision: 0.5 });
    expect(p!.low).toBeCloseTo(wilson(1, 2).low, 10);
    expect(wilson(1, 2).low).toBeCloseTo(0.0945, 3);
    expect(wilson(1, 2).high).toBeCloseTo(0.9055, 3);
  });
});
