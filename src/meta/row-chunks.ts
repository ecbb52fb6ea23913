import type { Level } from '../domain/snapshot.js';

import { compareIds } from './normalize.js';

const LEVEL_ORDER: readonly Level[] = ['campaign', 'adset', 'ad'];

/**
 * Rows as they arrived, page by page, put in the snapshot's order (level, entity id, date) only once all
 * are in. At 100 000 ads × 14 days that is 1.4 million rows, so the ordering is a counting sort by entity
 * into one array of exactly the final size, then a sort of each entity's few rows by date: a general sort
 * of the whole array would need a second array as large, and growing one array row by row leaves a trail
 * of discarded backing stores.
 */
export class RowChunks<T extends { level: Level; entityId: string; date?: string }> {
  private parts: T[][] = [];
  length = 0;

  add(part: T[]): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.length += part.length;
  }

  /** The first row added, if any. */
  first(): T | undefined {
    return this.parts[0]?.[0];
  }

  /** All rows in snapshot order. The chunks are emptied. */
  toSortedArray(): T[] {
    // Count rows per entity, then turn the counts into each entity's start in the output, entities in
    // snapshot order (level, then id numerically). One map per level, reused for counts and offsets.
    const perLevel = new Map<Level, Map<string, number>>(
      LEVEL_ORDER.map((l) => [l, new Map<string, number>()]),
    );
    for (const part of this.parts) {
      for (const r of part) {
        const m = perLevel.get(r.level)!;
        m.set(r.entityId, (m.get(r.entityId) ?? 0) + 1);
      }
    }
    const bounds: number[] = [0];
    let offset = 0;
    for (const level of LEVEL_ORDER) {
      const m = perLevel.get(level)!;
      for (const id of [...m.keys()].sort(compareIds)) {
        const n = m.get(id)!;
        m.set(id, offset);
        offset += n;
        bounds.push(offset);
      }
    }
    const out = new Array<T>(this.length);
    for (const part of this.parts) {
      for (const r of part) {
        const m = perLevel.get(r.level)!;
        const at = m.get(r.entityId)!;
        out[at] = r;
        m.set(r.entityId, at + 1);
      }
    }
    this.parts = [];
    this.length = 0;
    // Each entity's rows by date (a handful per entity: insertion sort, in place).
    for (let e = 0; e + 1 < bounds.length; e++) {
      const from = bounds[e]!;
      for (let i = from + 1; i < bounds[e + 1]!; i++) {
        const row = out[i]!;
        const date = row.date ?? '';
        let j = i - 1;
        while (j >= from && (out[j]!.date ?? '') > date) {
          out[j + 1] = out[j]!;
          j--;
        }
        out[j + 1] = row;
      }
    }
    return out;
  }
}
