import type { AppContext } from '../../app/context.js';
import type { AgentRow } from '../../db/repos/agents.js';
import { agentById, agentsOfWorkspace } from '../../db/repos/agents.js';
import type { ConnectionRow } from '../../db/repos/connections.js';
import { connectionById } from '../../db/repos/connections.js';
import { liveWorkspaceByTeam } from '../../db/repos/slack-workspaces.js';

/**
 * The agent a Slack interaction names by id (a modal's private_metadata), but only when it belongs to
 * the workspace the interaction came from: a forged or replayed id from another workspace finds nothing.
 */
export async function agentOfWorkspace(
  ctx: AppContext,
  teamId: string,
  agentId: string,
): Promise<{ agent: AgentRow; connection: ConnectionRow } | null> {
  const { db } = await ctx.database();
  const ws = await liveWorkspaceByTeam(db, teamId);
  const agent = ws ? await agentById(db, agentId) : undefined;
  if (!ws || !agent || agent.slackWorkspaceId !== ws.id) return null;
  const connection = await connectionById(db, agent.connectionId);
  if (!connection || connection.revokedAt) return null;
  return { agent, connection };
}

/** The agent App Home shows a viewer: the first of their workspace's agents (null: none connected yet). */
export async function homeAgentOf(
  ctx: AppContext,
  teamId: string,
): Promise<{ agent: AgentRow; connection: ConnectionRow } | null> {
  const { db } = await ctx.database();
  const ws = await liveWorkspaceByTeam(db, teamId);
  const agent = ws ? (await agentsOfWorkspace(db, ws.id))[0] : undefined;
  if (!agent) return null;
  const connection = await connectionById(db, agent.connectionId);
  return connection && !connection.revokedAt ? { agent, connection } : null;
}
