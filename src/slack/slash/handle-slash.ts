import type { AppContext } from '../../app/context.js';
import { main } from '../../cli/main.js';
import { findCommand } from '../../cli/registry.js';
import type { Actor } from '../../domain/actor.js';
import { type Capability, permits, type Roster } from '../../domain/policy.js';
import { AppError, toAppError, UsageError } from '../../lib/errors.js';
import { resolveFor } from '../../ops/agent-scope.js';
import { rosterOf } from '../../ops/authorize.js';
import { tokenize } from './tokenize.js';

/**
 * `/metabuyer <command> [flags]`: the CLI's grammar and usage errors, answered within Slack's 3 s.
 * What the text alone decides (a typo, a command not run from Slack) is answered in the ack; every
 * other command is acked at once and answered privately through its response_url: fast ones
 * (database only) straight away, slow ones (they call Meta or read threads) with "working on it" and
 * their answer when done; execute and rollback open the
 * confirmation modal. Commands that would put a secret in a channel, or that belong to the machine,
 * are refused with where to do them instead.
 */
export type SlashKind = 'fast' | 'slow' | 'modal';

export const SLASH_COMMANDS: Record<string, SlashKind> = {
  help: 'fast',
  status: 'fast',
  setup: 'fast',
  'plan-actions': 'fast',
  approve: 'fast',
  reject: 'fast',
  clear: 'fast',
  'action-log': 'fast',
  'pause-agent': 'fast',
  'resume-agent': 'fast',
  'run-now': 'slow',
  doctor: 'slow',
  'verify-use-cases': 'slow',
  'sync-approvals': 'slow',
  'execute-actions': 'modal',
  'rollback-actions': 'modal',
};

const ELSEWHERE: Record<string, string> = {
  connect:
    'A Meta token must never be typed into a Slack message: use `/metabuyer connect` alone (it opens a private form), or the MetaBuyer App Home tab (Connect with Facebook, or Paste a token).',
  init: 'The database is initialised by whoever runs MetaBuyer (`metabuyer init` on its machine).',
  migrate: 'Migrations run on the machine that hosts MetaBuyer (`metabuyer migrate`).',
};

export interface SlashRequest {
  teamId: string;
  channelId: string;
  actor: Actor;
  text: string;
}

export type SlashPlan =
  | { kind: 'reply'; text: string; command?: string; agentId?: string }
  | { kind: 'slow'; command: string; ack: string; agentId: string; run: () => Promise<string> }
  | { kind: 'modal'; command: 'execute-actions' | 'rollback-actions'; agentId: string; argv: string[] };

/** Decides what a slash command does; runs it too when it is fast. Never throws: errors become replies. */
export async function handleSlash(ctx: AppContext, req: SlashRequest): Promise<SlashPlan> {
  try {
    return await plan(ctx, req);
  } catch (e) {
    return { kind: 'reply', text: ctx.redactor.string(usageText(toAppError(e))) };
  }
}

/** The kind of command a slash text names (fast when it names none Slack runs: help, a typo). */
export function slashKindOf(text: string): SlashKind {
  try {
    return SLASH_COMMANDS[tokenize(text)[0] ?? 'help'] ?? 'fast';
  } catch {
    return 'fast';
  }
}

/**
 * What can be answered from the text alone, without the database: an unbalanced quote, an unknown
 * command, one that is not run from Slack. Null when the command needs its agent.
 */
export function precheckSlash(text: string): string | null {
  try {
    const [name = 'help'] = tokenize(text);
    if (name === 'help' || name === '--help' || SLASH_COMMANDS[name]) return null;
    if (ELSEWHERE[name]) return ELSEWHERE[name]!;
    if (findCommand(name))
      throw new UsageError(`\`${name}\` runs on the machine that hosts MetaBuyer, not from Slack`);
    throw new UsageError(`unknown command "${name}"`, '/metabuyer <command> [flags]; see `/metabuyer help`');
  } catch (e) {
    return usageText(toAppError(e));
  }
}

function usageText(err: AppError): string {
  const usage = err instanceof UsageError && err.usage ? `\nusage: ${err.usage}` : '';
  return `${err.message}${usage}`;
}

async function plan(ctx: AppContext, req: SlashRequest): Promise<SlashPlan> {
  const early = precheckSlash(req.text);
  if (early !== null) return { kind: 'reply', text: ctx.redactor.string(early) };
  const [name = 'help', ...rest] = tokenize(req.text);
  if (name === 'help' || name === '--help') return { kind: 'reply', text: await helpFor(ctx, req) };
  const kind = SLASH_COMMANDS[name]!;
  const named = flagValue(rest, '--ad-account');
  const { agent } = await resolveFor(ctx, req.actor, {
    adAccount: named,
    slack: { workspaceId: req.teamId, channelId: req.channelId },
  });
  const argv = [name, ...withoutFlag(rest, '--ad-account'), '--ad-account', agent.adAccountId];
  if (kind === 'modal') return { kind: 'modal', command: name as 'execute-actions', agentId: agent.id, argv };
  if (kind === 'slow') {
    return {
      kind: 'slow',
      command: name,
      agentId: agent.id,
      ack: `Working on \`${name}\` for ${agent.adAccountId}… the answer will be posted in <#${agent.slackChannelId ?? req.channelId}>.`,
      run: () => runCli(ctx, argv, req.actor),
    };
  }
  return { kind: 'reply', command: name, agentId: agent.id, text: await runCli(ctx, argv, req.actor) };
}

/** Runs one command through the CLI front door on the shared context, as `actor`, and returns its text. */
export async function runCli(ctx: AppContext, argv: string[], actor: Actor): Promise<string> {
  const out: string[] = [];
  const code = await main(
    argv,
    {},
    { context: ctx, actor, io: { out: (t) => out.push(t), err: (t) => out.push(t) } },
  );
  const text = out.join('\n').trim();
  if (code !== 0 && !text)
    throw new AppError({ code: 'command_failed', verdict: 'invalid', message: 'The command failed.' });
  return text;
}

function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === flag) return argv[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

function withoutFlag(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === flag) {
      i++;
      continue;
    }
    if (a.startsWith(`${flag}=`)) continue;
    out.push(a);
  }
  return out;
}

/** What each slash command asks of the policy (src/domain/policy.ts). */
const NEEDS: Record<string, Capability> = {
  status: 'view',
  'action-log': 'view',
  doctor: 'view',
  'verify-use-cases': 'view',
  'run-now': 'run',
  'plan-actions': 'plan',
  approve: 'approve',
  clear: 'clear',
  reject: 'reject',
  'sync-approvals': 'sync_approvals',
  setup: 'setup',
  'pause-agent': 'pause',
  'resume-agent': 'resume',
  'execute-actions': 'confirm_execute',
  'rollback-actions': 'confirm_rollback',
};

/** The commands this caller may use on the agent of this channel (all of them while there is none). */
async function helpFor(ctx: AppContext, req: SlashRequest): Promise<string> {
  let roster: Roster | null = null;
  try {
    const { agent } = await resolveFor(ctx, req.actor, {
      slack: { workspaceId: req.teamId, channelId: req.channelId },
    });
    roster = rosterOf(agent);
  } catch {
    roster = null;
  }
  const names = Object.keys(SLASH_COMMANDS).filter((n) => {
    const cap = NEEDS[n];
    return !roster || !cap || permits(req.actor, cap, roster).allowed;
  });
  const lines = names.map((n) => {
    const c = findCommand(n);
    return `• \`/metabuyer ${n}\` ${c ? `— ${c.summary}` : ''}`;
  });
  const head = roster
    ? '*MetaBuyer* — what you may do here:'
    : '*MetaBuyer* — commands (no agent reports to this channel yet):';
  return [head, ...lines].join('\n');
}
