import { describe, expect, it } from 'vitest';
import { processEnv, runProcess } from '../../support/processes.js';
import {
  approvedWorld,
  closeWorldsAfterAll,
  logOf,
  outcomesBy,
  statuses,
  writesPerEntity,
} from '../../support/write-path-world.js';

/**
 * The write path's promise, proven with real processes on a real PostgreSQL: never write twice, never
 * lose a log entry — here with five executions racing (crash points: write-path-crashes.test.ts).
 */
closeWorldsAfterAll();

describe('the write path across real processes', () => {
  it('writes each approved action exactly once when five executions start at once', async () => {
    const { h, plan } = await approvedWorld();
    const env = processEnv(h);
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => runProcess(['execute-actions', '--confirm', 'sandbox', '--json'], env)),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const applied = runs.map((r) => r.json().applied as number);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(plan.length);

    const writes = await writesPerEntity(h);
    for (const a of plan) expect(writes.get(a.entity_id), a.key).toBe(1);
    const outcomes = outcomesBy(await logOf(h), 'execute');
    for (const a of plan) expect(outcomes.get(a.key), a.key).toEqual(['applied']);
    expect(Object.values(await statuses(h)).every((s) => s === 'applied')).toBe(true);
  }, 300_000);
});
