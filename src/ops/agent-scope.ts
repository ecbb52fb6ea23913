import type { AppContext } from '../app/context.js';
import type { Db } from '../db/client.js';
import { type AgentRow, agentByAccount, allAgents } from '../db/repos/agents.js';
import { type ConnectionRow, connectionById } from '../db/repos/connections.js';
import { AppError, UsageError } from '../lib/errors.js';

/** Meta ad account ids are accepted as digits or act_digits; stored as act_digits. */
export function normalizeAdAccountId(input: string): string {
  const trimmed = input.trim();
  const m = /^(?:act_)?(\d{1,20})$/.exec(trimmed);
  if (!m) throw new UsageError(`--ad-account must be digits or act_<digits> (got "${trimmed}")`);
  return `act_${m[1]}`;
}

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
