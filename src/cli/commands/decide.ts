import { z } from 'zod';
import type { Decision } from '../../domain/action-state.js';
import { snakeKeys } from '../../domain/contract.js';
import { UsageError } from '../../lib/errors.js';
import { type DecideResult, decide } from '../../ops/decide.js';
import { validateFlags } from '../args.js';
import { type Command, defineCommand } from '../command.js';

interface DecideInput {
  keys: string[] | 'ALL';
  adAccount: string | undefined;
}

const VERBS: Record<Decision, string> = { approve: 'Approved', reject: 'Rejected', clear: 'Cleared' };

function decisionCommand(decision: Decision): Command<DecideInput, DecideResult> {
  const usage = `metabuyer ${decision} KEY… | ALL [--ad-account ID] [--json]`;
  return defineCommand({
    name: decision,
    summary: `${decision} actions of the active plan (the CLI twin of ${decision.toUpperCase()} in the Slack thread)`,
    usage,
    flags: {},
    positionals: true,
    parse(values, positionals) {
      const { 'ad-account': adAccount } = validateFlags(
        z.object({ 'ad-account': z.string().optional() }),
        values,
        usage,
      );
      if (positionals.length === 0)
        throw new UsageError('name at least one action key (A1, A2…) or ALL', usage);
      const all = positionals.some((p) => p.toUpperCase() === 'ALL');
      if (all && positionals.length > 1) throw new UsageError('ALL cannot be combined with keys', usage);
      return { keys: all ? 'ALL' : positionals, adAccount };
    },
    run: async (env, input) =>
      decide(await env.context(), {
        adAccount: input.adAccount,
        decision,
        keys: input.keys,
        actor: env.actor,
        source: 'cli',
      }),
    text(r) {
      const done = r.results.filter((x) => x.recorded).map((x) => x.key);
      const lines = [
        `${VERBS[decision]}: ${done.length > 0 ? done.join(', ') : 'nothing'} (plan ${r.planId}, by ${r.actor})`,
      ];
      for (const x of r.results.filter((y) => !y.recorded)) {
        lines.push(
          `  ${x.key} unchanged: ${x.reason === 'not_decidable' ? `already ${x.status}` : 'this decision was already recorded'}`,
        );
      }
      return lines.join('\n');
    },
    json: (r) => snakeKeys(r),
  });
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');
export const clearCommand = decisionCommand('clear');
