import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rulePrecision } from '../schema/index.js';

export type RulePrecisionRow = typeof rulePrecision.$inferSelect;
export type RulePrecisionInput = Omit<RulePrecisionRow, 'agentId'>;

/** Every rule's last measurement on an agent's account, in rule order. */
export async function precisionOf(db: Db, agentId: string): Promise<RulePrecisionRow[]> {
  return db
    .select()
    .from(rulePrecision)
    .where(eq(rulePrecision.agentId, agentId))
    .orderBy(rulePrecision.rule);
}

/**
 * Stores one measurement: each rule's row is replaced whole (a rule measured again keeps no figure of the
 * measurement before), in one statement so a reader never sees half of a measurement.
 */
export async function upsertPrecision(
  db: Db,
  agentId: string,
  rows: readonly RulePrecisionInput[],
): Promise<void> {
  if (rows.length === 0) return;
  const excluded = (col: string) => sql.raw(`excluded."${col}"`);
  await db
    .insert(rulePrecision)
    .values(rows.map((r) => ({ ...r, agentId })))
    .onConflictDoUpdate({
      target: [rulePrecision.agentId, rulePrecision.rule],
      set: {
        verdicts: excluded('verdicts'),
        confirmed: excluded('confirmed'),
        unlabelled: excluded('unlabelled'),
        precision: excluded('precision'),
        low: excluded('low'),
        high: excluded('high'),
        moneySaved: excluded('money_saved'),
        windowSince: excluded('window_since'),
        windowUntil: excluded('window_until'),
        horizonDays: excluded('horizon_days'),
        targetCpaMinor: excluded('target_cpa_minor'),
        targetRoas: excluded('target_roas'),
        source: excluded('source'),
        measuredAt: excluded('measured_at'),
      },
    });
}
