import { describe, expect, it } from 'vitest';
import { indexEntities } from '../../../src/domain/hierarchy.js';
import { cboAccount, SnapshotBuilder } from './builders.js';

describe('entity index', () => {
  it('routes budgets to the campaign when it holds one, else to the ad set', () => {
    const cbo = indexEntities(cboAccount().build().entities);
    expect(cbo.budgetHolderOf(cbo.get('211')!)?.id).toBe('2');
    expect(cbo.isBudgetUnit(cbo.get('2')!)).toBe(true);
    expect(cbo.isBudgetUnit(cbo.get('21')!)).toBe(false);
    const abo = indexEntities(
      new SnapshotBuilder().campaign('1').adset('11', '1').ad('111', '11').build().entities,
    );
    expect(abo.budgetHolderOf(abo.get('111')!)?.id).toBe('11');
    expect(abo.isBudgetUnit(abo.get('1')!)).toBe(false);
    expect(abo.isBudgetUnit(abo.get('11')!)).toBe(true);
  });

  it('treats anything under a paused, archived or unknown parent as not delivering', () => {
    const s = new SnapshotBuilder()
      .campaign('1', { status: 'PAUSED' })
      .adset('11', '1')
      .campaign('2')
      .adset('21', '2', { status: 'ARCHIVED' })
      .ad('211', '21')
      .campaign('3')
      .adset('31', '3', { effectiveStatus: 'WITH_ISSUES' })
      .ad('311', '31', { effectiveStatus: 'DISAPPROVED' })
      .ad('312', '31')
      .build();
    s.entities.push({ ...s.entities.at(-1)!, id: '999', adsetId: '404', campaignId: '404' });
    const index = indexEntities(s.entities);
    const delivering = (id: string) => index.isDelivering(index.get(id)!);
    expect(['11', '21', '211', '311', '999'].map(delivering)).toEqual([false, false, false, false, false]);
    expect(['3', '31', '312'].map(delivering)).toEqual([true, true, true]);
  });

  it('lists children in id order whatever the input order, numerically for digit ids', () => {
    const s = new SnapshotBuilder()
      .campaign('1')
      .adset('11', '1')
      .ad('9', '11')
      .ad('100', '11')
      .ad('10', '11')
      .build();
    const index = indexEntities([...s.entities].reverse());
    expect(index.childrenOf('11').map((e) => e.id)).toEqual(['9', '10', '100']);
    expect(index.descendantsOf(index.get('1')!).map((e) => e.id)).toEqual(['11', '9', '10', '100']);
  });

  it('keeps the cautious copy of a duplicated id', () => {
    const s = new SnapshotBuilder().campaign('1').adset('11', '1').build();
    const paused = { ...s.entities[1]!, status: 'PAUSED' as const };
    for (const order of [
      [...s.entities, paused],
      [s.entities[0]!, paused, s.entities[1]!],
    ]) {
      const index = indexEntities(order);
      expect(index.get('11')?.status).toBe('PAUSED');
      expect(index.childrenOf('1')).toHaveLength(1);
    }
  });
});
