import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents, slackWorkspaces } from '../schema/index.js';

export type SlackWorkspaceRow = typeof slackWorkspaces.$inferSelect;

/** The live installation for a Slack team (T…/E…), if MetaBuyer knows it. */
export async function liveWorkspaceByTeam(db: Db, teamId: string): Promise<SlackWorkspaceRow | undefined> {
  const [row] = await db
    .select()
    .from(slackWorkspaces)
    .where(and(eq(slackWorkspaces.teamId, teamId), isNull(slackWorkspaces.revokedAt)));
  return row;
}

export async function workspaceById(db: Db, id: string): Promise<SlackWorkspaceRow | undefined> {
  const [row] = await db.select().from(slackWorkspaces).where(eq(slackWorkspaces.id, id));
  return row;
}

/**
 * The workspace row for a team, created (without a bot token) when an agent is first bound to it; the
 * Slack install flow fills in the token later. Concurrent callers converge on one row through the
 * partial unique index `slack_workspaces_live_by_team`.
 */
export async function ensureWorkspace(
  db: Db,
  row: { id: string; teamId: string; installedBy: string; at: Date },
): Promise<SlackWorkspaceRow> {
  const existing = await liveWorkspaceByTeam(db, row.teamId);
  if (existing) return existing;
  await db
    .insert(slackWorkspaces)
    .values({ id: row.id, teamId: row.teamId, installedBy: row.installedBy, installedAt: row.at })
    .onConflictDoNothing();
  return (await liveWorkspaceByTeam(db, row.teamId))!;
}

/**
 * Single-workspace mode (SLACK_BOT_TOKEN names one workspace, chosen by whoever runs MetaBuyer): agents
 * set up from the CLI before the workspace was known belong to it. With OAuth installs (several
 * workspaces) nothing is adopted: an operator binds each agent with `setup --slack-workspace`.
 */
export async function adoptUnboundAgents(db: Db, workspaceId: string): Promise<number> {
  const rows = await db
    .update(agents)
    .set({ slackWorkspaceId: workspaceId })
    .where(isNull(agents.slackWorkspaceId))
    .returning({ id: agents.id });
  return rows.length;
}

/** What the Slack install flow records about a workspace; the token arrives already sealed. */
export interface InstalledWorkspace {
  teamId: string;
  teamName: string | null;
  enterpriseId: string | null;
  botUserId: string;
  botId: string | null;
  appId: string | null;
  botScopes: string | null;
  botTokenSealed: string;
  installedBy: string | null;
  at: Date;
}

/**
 * Records an install: the live row of the team gets the new token (a re-install replaces it); without
 * a live row, the team's most recently revoked row is revived (so agents bound to it find it again);
 * only a team never seen gets a new row. Serialised per team by an advisory lock, so two installs of
 * one team converge on one live row.
 */
export async function saveInstallation(
  db: Db,
  install: InstalledWorkspace,
  newRowId: () => string,
): Promise<SlackWorkspaceRow> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`slack_workspaces:${install.teamId}`}))`);
    const fields = {
      teamName: install.teamName,
      enterpriseId: install.enterpriseId,
      botUserId: install.botUserId,
      botId: install.botId,
      appId: install.appId,
      botScopes: install.botScopes,
      botTokenSealed: install.botTokenSealed,
      installedBy: install.installedBy,
      installedAt: install.at,
      revokedAt: null,
    };
    const [target] = await tx
      .select({ id: slackWorkspaces.id })
      .from(slackWorkspaces)
      .where(eq(slackWorkspaces.teamId, install.teamId))
      .orderBy(sql`${slackWorkspaces.revokedAt} desc nulls first`)
      .limit(1);
    if (target) {
      const [row] = await tx
        .update(slackWorkspaces)
        .set(fields)
        .where(eq(slackWorkspaces.id, target.id))
        .returning();
      return row!;
    }
    const [row] = await tx
      .insert(slackWorkspaces)
      .values({ id: newRowId(), teamId: install.teamId, ...fields })
      .returning();
    return row!;
  });
}

/**
 * The team uninstalled MetaBuyer or revoked its bot token: the live row is marked revoked and its
 * sealed token blanked, so nothing can post with it any more. Returns the row, or undefined when the
 * team had no live installation (a repeated event changes nothing).
 */
export async function revokeInstallation(
  db: Db,
  teamId: string,
  at: Date,
): Promise<SlackWorkspaceRow | undefined> {
  const [row] = await db
    .update(slackWorkspaces)
    .set({ revokedAt: at, botTokenSealed: null })
    .where(and(eq(slackWorkspaces.teamId, teamId), isNull(slackWorkspaces.revokedAt)))
    .returning();
  return row;
}
