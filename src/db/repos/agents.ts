import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents } from '../schema/index.js';

export type AgentRow = typeof agents.$inferSelect;
export type AgentPatch = Partial<
  Pick<
    AgentRow,
    | 'connectionId'
    | 'slackChannelId'
    | 'slackWorkspaceId'
    | 'enabled'
    | 'executionEnabled'
    | 'intervalSeconds'
    | 'halted'
    | 'haltedReason'
    | 'haltedBy'
    | 'haltedAt'
    | 'config'
    | 'lastRunAt'
    | 'nextRunAt'
  >
>;

export async function allAgents(db: Db): Promise<AgentRow[]> {
  return db.select().from(agents).orderBy(agents.createdAt);
}

/** The agents bound to one Slack workspace (its row id): all a Slack user there may ever reach. */
export async function agentsOfWorkspace(db: Db, workspaceId: string): Promise<AgentRow[]> {
  return db.select().from(agents).where(eq(agents.slackWorkspaceId, workspaceId)).orderBy(agents.createdAt);
}

/** The agent reporting to a channel of a workspace. */
export async function agentByChannel(
  db: Db,
  workspaceId: string,
  channelId: string,
): Promise<AgentRow | undefined> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.slackWorkspaceId, workspaceId), eq(agents.slackChannelId, channelId)))
    .orderBy(agents.createdAt)
    .limit(1);
  return row;
}

export async function agentByAccount(db: Db, adAccountId: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.adAccountId, adAccountId));
  return row;
}

export async function agentById(db: Db, id: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id));
  return row;
}

export async function insertAgent(db: Db, row: typeof agents.$inferInsert): Promise<AgentRow> {
  const [out] = await db.insert(agents).values(row).returning();
  return out!;
}

export async function updateAgent(db: Db, id: string, patch: AgentPatch, now: Date): Promise<AgentRow> {
  const [out] = await db
    .update(agents)
    .set({ ...patch, updatedAt: now })
    .where(eq(agents.id, id))
    .returning();
  return out!;
}
