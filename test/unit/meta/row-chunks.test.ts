import { describe, expect, it } from 'vitest';
import type { DailyRow, Level } from '../../../src/domain/snapshot.js';
import { compareRows } from '../../../src/meta/normalize.js';
import { RowChunks } from '../../../src/meta/row-chunks.js';

function row(level: Level, entityId: string, date: string, spend = 1): DailyRow {
  return {
    entityId,
    level,
    date,
    spend,
    impressions: 0,
    reach: 0,
    clicks: 0,
    linkClicks: 0,
    purchases: 0,
    purchaseValue: 0,
  };
}

describe('snapshot row order', () => {
  it('orders rows by level, numeric id and date, whatever order the pages came in', () => {
    const levels: Level[] = ['ad', 'campaign', 'adset'];
    const rows: DailyRow[] = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 2000; i++) {
      const level = levels[Math.floor(rand() * 3)]!;
      const id = String(Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 15))));
      rows.push(row(level, id, `2026-11-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`, i));
    }
    const chunks = new RowChunks<DailyRow>();
    for (let i = 0; i < rows.length; i += 137) chunks.add(rows.slice(i, i + 137));
    const ordered = chunks.toSortedArray();
    const expected = [...rows].sort(compareRows);
    expect(ordered.map((r) => `${r.level}:${r.entityId}:${r.date}`)).toEqual(
      expected.map((r) => `${r.level}:${r.entityId}:${r.date}`),
    );
    expect(new Set(ordered).size).toBe(rows.length);
  });

  it('orders ids numerically: 9 before 10 before 100', () => {
    const chunks = new RowChunks<DailyRow>();
    chunks.add([
      row('ad', '100', '2026-11-01'),
      row('ad', '9', '2026-11-02'),
      row('ad', '10', '2026-11-01'),
      row('ad', '9', '2026-11-01'),
    ]);
    expect(chunks.toSortedArray().map((r) => `${r.entityId}@${r.date.slice(-2)}`)).toEqual([
      '9@01',
      '9@02',
      '10@01',
      '100@01',
    ]);
  });
});
