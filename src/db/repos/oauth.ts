import { and, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { metaOauthGrants, metaOauthStates } from '../schema/index.js';

export type OAuthStateRow = typeof metaOauthStates.$inferSelect;
export type OAuthGrantRow = typeof metaOauthGrants.$inferSelect;

export async function insertOAuthState(
  db: Db,
  row: typeof metaOauthStates.$inferInsert,
): Promise<OAuthStateRow> {
  const [out] = await db.insert(metaOauthStates).values(row).returning();
  return out!;
}

/**
 * Claims a state for one callback: a single conditional UPDATE, so of two callbacks carrying the same
 * state exactly one gets the row. Undefined: unknown, already used or expired (see stateByHash for which).
 */
export async function consumeOAuthState(
  db: Db,
  stateHash: string,
  now: Date,
): Promise<OAuthStateRow | undefined> {
  const [row] = await db
    .update(metaOauthStates)
    .set({ consumedAt: now })
    .where(
      and(
        eq(metaOauthStates.stateHash, stateHash),
        isNull(metaOauthStates.consumedAt),
        gt(metaOauthStates.expiresAt, now),
      ),
    )
    .returning();
  return row;
}

export async function stateByHash(db: Db, stateHash: string): Promise<OAuthStateRow | undefined> {
  const [row] = await db.select().from(metaOauthStates).where(eq(metaOauthStates.stateHash, stateHash));
  return row;
}

export async function setStateOutcome(db: Db, id: string, outcome: string): Promise<void> {
  await db.update(metaOauthStates).set({ outcome }).where(eq(metaOauthStates.id, id));
}

/** Stores a login awaiting its ad-account choice; the same Slack user's older pending logins lose their token. */
export async function insertOAuthGrant(
  db: Db,
  row: typeof metaOauthGrants.$inferInsert,
  now: Date,
): Promise<OAuthGrantRow> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx
      .update(metaOauthGrants)
      .set({ usedAt: now, accessTokenSealed: '' })
      .where(
        and(
          eq(metaOauthGrants.slackTeamId, row.slackTeamId),
          eq(metaOauthGrants.slackUserId, row.slackUserId),
          isNull(metaOauthGrants.usedAt),
        ),
      );
    const [out] = await tx.insert(metaOauthGrants).values(row).returning();
    return out!;
  });
}

export async function pendingGrantFor(
  db: Db,
  slackTeamId: string,
  slackUserId: string,
  now: Date,
): Promise<OAuthGrantRow | undefined> {
  const [row] = await db
    .select()
    .from(metaOauthGrants)
    .where(
      and(
        eq(metaOauthGrants.slackTeamId, slackTeamId),
        eq(metaOauthGrants.slackUserId, slackUserId),
        isNull(metaOauthGrants.usedAt),
        gt(metaOauthGrants.expiresAt, now),
      ),
    )
    .orderBy(desc(metaOauthGrants.createdAt))
    .limit(1);
  return row;
}

/** Marks a grant used and blanks its token; false when someone else used it first. */
export async function useGrant(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(metaOauthGrants)
    .set({ usedAt: now, accessTokenSealed: '' })
    .where(and(eq(metaOauthGrants.id, id), isNull(metaOauthGrants.usedAt)))
    .returning({ id: metaOauthGrants.id });
  return rows.length === 1;
}

/**
 * Housekeeping: pending logins past their choice window lose their token, and states older than `before`
 * (long expired) are deleted. Returns how many of each.
 */
export async function purgeOAuthLeftovers(
  db: Db,
  now: Date,
  before: Date,
): Promise<{ grants: number; states: number }> {
  const grants = await db
    .update(metaOauthGrants)
    .set({ usedAt: now, accessTokenSealed: '' })
    .where(and(isNull(metaOauthGrants.usedAt), lt(metaOauthGrants.expiresAt, now)))
    .returning({ id: metaOauthGrants.id });
  const states = await db
    .delete(metaOauthStates)
    .where(lt(metaOauthStates.expiresAt, before))
    .returning({ id: metaOauthStates.id });
  return { grants: grants.length, states: states.length };
}
