import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { insightSnapshots } from '../schema/index.js';

export interface AccountDay {
  date: string;
  spend: number;
  purchases: number;
  purchaseValue: number;
}

/** The account's daily totals as a run read them (campaign rows summed: every campaign's spend is the account's). */
export async function accountDaysOf(db: Db, runId: string): Promise<AccountDay[]> {
  const rows = await db
    .select({
      date: insightSnapshots.date,
      spend: sql<string>`sum(${insightSnapshots.spend})`,
      purchases: sql<string>`sum(${insightSnapshots.purchases})`,
      purchaseValue: sql<string>`sum(${insightSnapshots.purchaseValue})`,
    })
    .from(insightSnapshots)
    .where(
      and(
        eq(insightSnapshots.runId, runId),
        eq(insightSnapshots.level, 'campaign'),
        isNotNull(insightSnapshots.date),
      ),
    )
    .groupBy(insightSnapshots.date)
    .orderBy(asc(insightSnapshots.date));
  return rows.map((r) => ({
    date: r.date!,
    spend: Number(r.spend),
    purchases: Number(r.purchases),
    purchaseValue: Number(r.purchaseValue),
  }));
}
