import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents, slackWorkspaces } from '../schema/index.js';
import type { AgentRow } from './agents.js';

export type SlackWorkspaceRow = typeof slackWorkspaces.$inferSelect;

export async function workspaceByTeam(db: Db, teamId: string): Promise<SlackWorkspaceRow | undefined> {
  const [row] = await db
    .select()
    .from(slackWorkspaces)
    .where(and(eq(slackWorkspaces.teamId, teamId), isNull(slackWorkspaces.revokedAt)));
  return row;
}

/** The live installation of a team, created on first sight (single-workspace mode learns it from auth.test). */
export async function ensureWorkspace(
  db: Db,
  ws: { id: string; teamId: string; teamName?: string | null; botUserId?: string | null },
): Promise<SlackWorkspaceRow> {
  const known = await workspaceByTeam(db, ws.teamId);
  if (known) return known;
  await db
    .insert(slackWorkspaces)
    .values({ id: ws.id, teamId: ws.teamId, teamName: ws.teamName ?? null, botUserId: ws.botUserId ?? null })
    .onConflictDoNothing();
  return (await workspaceByTeam(db, ws.teamId))!;
}

/** Every agent of one workspace: a Slack actor never sees any other. */
export async function agentsOfWorkspace(db: Db, workspaceId: string): Promise<AgentRow[]> {
  return db.select().from(agents).where(eq(agents.slackWorkspaceId, workspaceId)).orderBy(agents.createdAt);
}

/**
 * Single-workspace mode (SLACK_BOT_TOKEN): agents set up from the CLI before any workspace was known
 * belong to the one installed workspace.
 */
export async function adoptUnboundAgents(db: Db, workspaceId: string): Promise<number> {
  const rows = await db
    .update(agents)
    .set({ slackWorkspaceId: workspaceId })
    .where(isNull(agents.slackWorkspaceId))
    .returning({ id: agents.id });
  return rows.length;
}
