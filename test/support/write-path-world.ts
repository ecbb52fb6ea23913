/**
 * A world for write-path tests with real processes: a harness whose clock is now (spawned processes use
 * the system clock), onboarded, planned and approved; and readers of what was written and logged.
 */
import { afterAll, expect } from 'vitest';
import { planActions } from '../../src/db/schema/index.js';
import { expectOk, type OpsHarness, startOpsHarness } from './ops-harness.js';

export interface Planned {
  key: string;
  entity_id: string;
  type: string;
  from: unknown;
  to: unknown;
}
export interface LogEntry {
  key: string;
  kind: 'execute' | 'rollback';
  event: string;
  rollback_of: string | null;
}

const harnesses: OpsHarness[] = [];

/** Closes every world a test file opened; call once at the top of the file. */
export function closeWorldsAfterAll(): void {
  afterAll(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });
}

/** A harness whose clock is now (the spawned processes use the system clock), onboarded, planned, approved. */
export async function approvedWorld(
  env: Record<string, string> = {},
): Promise<{ h: OpsHarness; plan: Planned[] }> {
  const h = await startOpsHarness({ now: new Date().toISOString(), env });
  harnesses.push(h);
  await h.onboard();
  await expectOk(h.cli('run-now'));
  const plan: Planned[] = (await expectOk(h.cli('plan-actions', '--json'))).json().plan.actions;
  expect(plan.length).toBeGreaterThan(1);
  await expectOk(h.cli('approve', 'ALL'));
  return { h, plan };
}

export async function logOf(h: OpsHarness): Promise<LogEntry[]> {
  return (await expectOk(h.cli('action-log', '--limit', '200', '--json'))).json().entries;
}

export async function statuses(h: OpsHarness): Promise<Record<string, string>> {
  const { db } = await h.ctx.database();
  const rows = await db.select({ key: planActions.key, status: planActions.status }).from(planActions);
  return Object.fromEntries(rows.map((r) => [r.key, r.status]));
}

export async function writesPerEntity(h: OpsHarness): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const w of await h.writes()) {
    const id = w.path.split('/').at(-1)!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Outcome entries (everything but intents) per execute action key, or per rolled-back write. */
export function outcomesBy(log: LogEntry[], kind: 'execute' | 'rollback'): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const e of log) {
    if (e.kind !== kind || e.event === 'intent') continue;
    const k = kind === 'execute' ? e.key : e.rollback_of!;
    by.set(k, [...(by.get(k) ?? []), e.event]);
  }
  return by;
}
