import { and, eq, isNull } from 'drizzle-orm';
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
