import { describe, expect, it } from 'vitest';
import { idPrefix, newId } from '../../../src/lib/ids.js';

describe('ids', () => {
  it('say what they name', () => {
    const id = newId('run');
    expect(id).toMatch(/^run_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(idPrefix(id)).toBe('run');
  });

  it('sort by creation time', () => {
    const early = newId('plan', Date.parse('2026-11-20T15:00:00Z'));
    const late = newId('plan', Date.parse('2026-11-20T15:00:00.001Z'));
    expect([late, early].sort()).toEqual([early, late]);
  });

  it('never repeat, even within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('act', now)));
    expect(ids.size).toBe(10_000);
  });
});
