import { asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { recommendations } from '../schema/index.js';

export type RecommendationRow = typeof recommendations.$inferSelect;
export type NewRecommendation = typeof recommendations.$inferInsert;

export async function insertRecommendations(db: Db, rows: NewRecommendation[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await db.insert(recommendations).values(rows.slice(i, i + 1000));
}

export async function recommendationsOf(db: Db, runId: string): Promise<RecommendationRow[]> {
  return db
    .select()
    .from(recommendations)
    .where(eq(recommendations.runId, runId))
    .orderBy(asc(recommendations.ordinal));
}
