import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import {
  type AgentRow,
  agentByAccount,
  agentByChannel,
  agentsOfWorkspace,
  allAgents,
} from '../db/repos/agents.js';
import { type ConnectionRow, connectionById } from '../db/repos/connections.js';
import { liveWorkspaceByTeam } from '../db/repos/slack-workspaces.js';
import type { Actor } from '../domain/actor.js';
import { normalizeAdAccountId } from '../domain/ad-account.js';
import { AppError, UsageError } from '../lib/errors.js';

export { normalizeAdAccountId };

export interface AgentScope {
  db: Db;
  agent: AgentRow;
  connection: ConnectionRow;
}

/** The agent a command acts on: the one named by --ad-account, or the only one there is. */
export async function resolveAgent(ctx: AppContext, adAccount: string | undefined): Promise<AgentScope> {
  const { db } = await ctx.database();
  let agent: AgentRow | undefined;
  if (adAccount) {
    const id = normalizeAdAccountId(adAccount);
    agent = await agentByAccount(db, id);
    if (!agent) {
      throw new AppError({
        code: 'agent_not_found',
        verdict: 'invalid',
        message: `No agent for ${id}. Run \`metabuyer connect --access-token … --ad-account ${id}\` first.`,
      });
    }
  } else {
    const all = await allAgents(db);
    if (all.length === 0) {
      throw new AppError({
        code: 'not_connected',
        verdict: 'invalid',
        message:
          'No ad account is connected yet. Run `metabuyer connect --access-token … --ad-account act_…` first.',
      });
    }
    if (all.length > 1) {
      throw new UsageError(
        `Several ad accounts are set up (${all.map((a) => a.adAccountId).join(', ')}): choose one with --ad-account.`,
      );
    }
    agent = all[0]!;
  }
  return withConnection(db, agent);
}

async function withConnection(db: Db, agent: AgentRow): Promise<AgentScope> {
  const connection = await connectionById(db, agent.connectionId);
  if (!connection || connection.revokedAt) {
    throw new AppError({
      code: 'not_connected',
      verdict: 'reauthenticate',
      message: `The Meta connection of ${agent.adAccountId} was removed. Run \`metabuyer connect\` again.`,
    });
  }
  return { db, agent, connection };
}

/** Where a Slack request comes from: the workspace (team id T…/E…) and the channel (C…/G…). */
export interface SlackPlace {
  workspaceId: string;
  channelId: string;
}

/**
 * Which agent a request means: an ad account (the CLI's `--ad-account`), a Slack channel (the agent
 * reporting there), or neither (the only agent there is, or the only one of the actor's workspace).
 */
export interface AgentSelector {
  adAccount?: string | undefined;
  slack?: SlackPlace | undefined;
}

/**
 * The agent an actor means, among those it may reach. A Slack user reaches only the agents bound to its
 * own workspace: another workspace's agent is "not found" exactly like one that does not exist, whether
 * it is named by ad account or by channel, so one workspace cannot even learn what another runs. The CLI
 * and the worker (this machine) reach every agent.
 */
export async function resolveFor(
  ctx: AppContext,
  actor: Actor,
  selector: AgentSelector,
): Promise<AgentScope> {
  if (actor.source !== 'slack') {
    if (!selector.slack) return resolveAgent(ctx, selector.adAccount);
    const { db } = await ctx.database();
    const ws = await liveWorkspaceByTeam(db, selector.slack.workspaceId);
    const agent = ws ? await agentByChannel(db, ws.id, selector.slack.channelId) : undefined;
    if (!agent) throw noAgentHere();
    return withConnection(db, agent);
  }
  const { db } = await ctx.database();
  const teamId = actor.workspaceId;
  if (!teamId || (selector.slack && selector.slack.workspaceId !== teamId)) throw noAgentHere();
  const ws = await liveWorkspaceByTeam(db, teamId);
  if (!ws) throw noAgentHere();
  let agent: AgentRow | undefined;
  if (selector.slack) agent = await agentByChannel(db, ws.id, selector.slack.channelId);
  if (!agent && selector.adAccount) {
    const found = await agentByAccount(db, normalizeAdAccountId(selector.adAccount));
    if (!found || found.slackWorkspaceId !== ws.id) throw noAgentHere(selector.adAccount);
    agent = found;
  }
  if (!agent) {
    const mine = await agentsOfWorkspace(db, ws.id);
    if (mine.length === 0) throw noAgentHere();
    if (mine.length > 1) {
      throw new UsageError(
        `Several ad accounts report to this workspace (${mine.map((a) => a.adAccountId).join(', ')}): name one, or ask in its channel.`,
      );
    }
    agent = mine[0]!;
  }
  return withConnection(db, agent);
}

function noAgentHere(adAccount?: string): AppError {
  const named = adAccount ? ` for ${adAccount.trim().slice(0, 40)}` : '';
  return new AppError({
    code: 'agent_not_found',
    verdict: 'invalid',
    message: `No agent${named} reports to this Slack workspace or channel. An operator can connect one (\`metabuyer connect\`) and bind it here (\`metabuyer setup --slack-target channel:C…\`).`,
  });
}

/** A halted agent neither polls nor writes; every refusal says why and how to resume. */
export function refuseIfHalted(agent: AgentRow, doing: string): void {
  if (agent.halted) {
    throw new AppError({
      code: 'agent_halted',
      verdict: 'invalid',
      message: `The agent for ${agent.adAccountId} is halted (${agent.haltedReason ?? 'no reason given'}${
        agent.haltedBy ? `, by ${agent.haltedBy}` : ''
      }): not ${doing}. Run \`metabuyer resume-agent\` to resume.`,
      details: { haltedReason: agent.haltedReason, haltedBy: agent.haltedBy, haltedAt: agent.haltedAt },
    });
  }
}
