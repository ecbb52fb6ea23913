import type { Db } from '../../db/client.js';
import type { AgentRow } from '../../db/repos/agents.js';
import { agentsOfWorkspace, workspaceByTeam } from '../../db/repos/slack-workspaces.js';
import { AppError } from '../../lib/errors.js';
import { normalizeAdAccountId } from '../../ops/agent-scope.js';

/**
 * The agent a Slack request acts on: the one named by --ad-account, the one reporting to this channel,
 * or the workspace's only one — always among the agents of the caller's own workspace, so nothing in
 * one workspace can see or touch another's, even by naming its ad account.
 */
export async function agentForSlack(
  db: Db,
  where: { teamId: string; channelId: string; adAccount?: string },
): Promise<AgentRow> {
  const ws = await workspaceByTeam(db, where.teamId);
  const agents = ws ? await agentsOfWorkspace(db, ws.id) : [];
  if (where.adAccount) {
    const id = normalizeAdAccountId(where.adAccount);
    const named = agents.find((a) => a.adAccountId === id);
    if (named) return named;
    throw notFound(`No agent for ${id} in this workspace.`);
  }
  const here = agents.find((a) => a.slackChannelId === where.channelId);
  if (here) return here;
  if (agents.length === 1) return agents[0]!;
  if (agents.length === 0)
    throw notFound(
      'No ad account is connected in this workspace yet: connect one from the MetaBuyer App Home tab.',
    );
  throw new AppError({
    code: 'agent_ambiguous',
    verdict: 'invalid',
    message: `Several ad accounts report to this workspace (${agents
      .map((a) => a.adAccountId)
      .join(', ')}): run the command in the agent's channel or add --ad-account.`,
  });
}

function notFound(message: string): AppError {
  return new AppError({ code: 'agent_not_found', verdict: 'invalid', message });
}
