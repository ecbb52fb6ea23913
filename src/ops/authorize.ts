import type { AgentRow } from '../db/repos/agents.js';
import { type Actor, actorLabel } from '../domain/actor.js';
import { type Capability, permits, type Role, type Roster } from '../domain/policy.js';
import { AppError } from '../lib/errors.js';
import { agentConfigOf } from './agent-config.js';

/** The agent's operators and approvers, as the policy reads them. */
export function rosterOf(agent: AgentRow): Roster {
  const config = agentConfigOf(agent);
  return { operators: config.operators, approvers: config.approvers };
}

const DOING: Record<Capability, string> = {
  view: 'see this agent',
  run: 'start a run',
  plan: 'build a plan',
  pause: 'pause the agent',
  reject: 'reject actions',
  approve: 'approve actions',
  clear: 'clear decisions',
  sync_approvals: 'read the approval threads',
  setup: "change the agent's setup",
  connect: "change the agent's Meta connection",
  confirm_execute: 'confirm execution',
  confirm_rollback: 'confirm a rollback',
  resume: 'resume the agent',
};

/**
 * Asks the policy and refuses before anything changes. The refusal names the role needed and who holds
 * it, so the person asking knows whom to ask — or, when nobody holds it yet, how to name someone.
 */
export function authorize(
  actor: Actor,
  capability: Capability,
  agent: AgentRow,
  roster = rosterOf(agent),
): void {
  const p = permits(actor, capability, roster);
  if (p.allowed) return;
  const who = actor.source === 'slack' ? `<@${actor.id}>` : actorLabel(actor);
  throw new AppError({
    code: 'permission_denied',
    verdict: 'permission',
    message: `${who} may not ${DOING[capability]} for ${agent.adAccountId}: that needs ${holdersText(p.role, p.holders, roster)}. Nothing was changed.`,
    details: { capability, role: p.role, holders: p.holders },
  });
}

function holdersText(role: Role, holders: string[], roster: Roster): string {
  if (holders.length === 0) {
    // With no approver named the operators approve, so naming an operator unblocks either role.
    return `an ${role}, and there is nobody yet — add with \`metabuyer setup --operators U… --apply\``;
  }
  const names = holders.map((h) => `<@${h}>`).join(', ');
  if (role === 'approver' && roster.approvers.length === 0) {
    return `an approver; none is named, so the operators approve: ${names}`;
  }
  return `an ${role} (${role}s: ${names})`;
}
