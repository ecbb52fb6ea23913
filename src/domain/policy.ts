import type { Actor } from './actor.js';

/**
 * Who may do what on an agent: one pure policy for both front doors.
 *
 * Two roles per agent. Operators change setup, connect, confirm execution and rollback, and resume.
 * Approvers approve and clear decisions. Actions in the safe direction stay open to anyone who can reach
 * the agent: pausing it (the kill switch) and rejecting an action. Reading (status, reports, the action
 * log) and asking for a fresh run or plan write nothing to Meta and are open to anyone who can reach it.
 *
 * An empty approver list means "operators approve", never "anyone approves". The local CLI is the
 * machine's operator: whoever can run commands here already holds the database and the key. The worker
 * only runs work a person already asked for, so it may run and plan but never confirm or decide.
 */
export type Role = 'operator' | 'approver';

export type Capability =
  | 'view'
  | 'run'
  | 'plan'
  | 'pause'
  | 'reject'
  | 'approve'
  | 'clear'
  | 'sync_approvals'
  | 'setup'
  | 'connect'
  | 'confirm_execute'
  | 'confirm_rollback'
  | 'resume';

export interface Roster {
  readonly operators: readonly string[];
  readonly approvers: readonly string[];
}

export type Permission = { allowed: true } | { allowed: false; role: Role; holders: string[] };

const NEEDS: Record<Capability, Role | 'anyone'> = {
  view: 'anyone',
  run: 'anyone',
  plan: 'anyone',
  pause: 'anyone',
  reject: 'anyone',
  approve: 'approver',
  clear: 'approver',
  sync_approvals: 'anyone',
  setup: 'operator',
  connect: 'operator',
  confirm_execute: 'operator',
  confirm_rollback: 'operator',
  resume: 'operator',
};

const WORKER_MAY: ReadonlySet<Capability> = new Set(['view', 'run', 'plan', 'sync_approvals', 'pause']);

/** Who holds a role: approvers, or the operators when no approver is named. */
export function holdersOf(role: Role, roster: Roster): string[] {
  if (role === 'operator') return [...roster.operators];
  return roster.approvers.length > 0 ? [...roster.approvers] : [...roster.operators];
}

export function roleNeeded(capability: Capability): Role | 'anyone' {
  return NEEDS[capability];
}

export function permits(actor: Actor, capability: Capability, roster: Roster): Permission {
  const needed = NEEDS[capability];
  if (actor.source === 'cli') return { allowed: true };
  if (actor.source === 'worker') {
    return WORKER_MAY.has(capability)
      ? { allowed: true }
      : {
          allowed: false,
          role: needed === 'anyone' ? 'operator' : needed,
          holders: holdersOf('operator', roster),
        };
  }
  if (needed === 'anyone') return { allowed: true };
  const holders = holdersOf(needed, roster);
  return holders.includes(actor.id) ? { allowed: true } : { allowed: false, role: needed, holders };
}

/**
 * Who may connect Meta (Connect with Facebook, a pasted token, reconnect, disconnect) from a Slack
 * workspace's App Home, given the rosters of the workspace's agents: an operator of one of them; anyone
 * in the workspace while no agent there has an operator (the first to connect becomes its operator, as
 * `connect` does). The worker never connects; the local CLI always may.
 */
export function mayConnectHere(actor: Actor, rosters: readonly Roster[]): boolean {
  if (actor.source === 'cli') return true;
  if (actor.source === 'worker') return false;
  const operated = rosters.filter((r) => r.operators.length > 0);
  return operated.length === 0 || operated.some((r) => r.operators.includes(actor.id));
}
