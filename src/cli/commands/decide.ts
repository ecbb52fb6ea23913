import { z } from 'zod';
import type { Decision } from '../../domain/action-state.js';
import { snakeKeys } from '../../domain/contract.js';
import { UsageError } from '../../lib/errors.js';
import { type DecideResult, decide, MAX_REASON } from '../../ops/decide.js';
import { validateFlags } from '../args.js';
import { type Command, defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

interface DecideInput {
  keys: string[] | 'ALL';
  adAccount: string | undefined;
  plan: string | undefined;
  reason: string | undefined;
}

const VERBS: Record<Decision, string> = { approve: 'Approved', reject: 'Rejected', clear: 'Cleared' };

function decisionCommand(decision: Decision): Command<DecideInput, DecideResult> {
  const usage = `metabuyer ${decision} KEY… | ALL [--plan ID] [--reason TEXT] [--ad-account ID] [--json]`;
  return defineCommand({
    name: decision,
    summary: summaryOf(decision),
    usage,
    flags: {
      plan: {
        type: 'string',
        placeholder: 'ID',
        description: 'the plan this decision answers (default: the active plan); refused if it is not active',
      },
      reason: { type: 'string', placeholder: 'TEXT', description: 'why, kept with the decision' },
    },
    positionals: true,
    parse(values, positionals) {
      const {
        'ad-account': adAccount,
        plan,
        reason,
      } = validateFlags(
        z.object({
          'ad-account': z.string().optional(),
          plan: z
            .string()
            .regex(/^plan_[A-Za-z0-9_-]{1,60}$/, 'must be a plan id such as plan_…')
            .optional(),
          reason: z.string().trim().min(1, 'must not be empty').max(MAX_REASON).optional(),
        }),
        values,
        usage,
      );
      if (positionals.length === 0)
        throw new UsageError('name at least one action key (A1, A2…) or ALL', usage);
      const all = positionals.some((p) => p.toUpperCase() === 'ALL');
      if (all && positionals.length > 1) throw new UsageError('ALL cannot be combined with keys', usage);
      return { keys: all ? 'ALL' : positionals, adAccount, plan, reason };
    },
    run: async (env, input) =>
      decide(await env.context(), {
        adAccount: input.adAccount,
        decision,
        keys: input.keys,
        actor: env.actor,
        source: 'cli',
        planId: input.plan,
        reason: input.reason,
      }),
    text(r) {
      const done = r.results.filter((x) => x.recorded).map((x) => x.key);
      const lines = [
        `${VERBS[decision]}: ${done.length > 0 ? done.join(', ') : 'nothing'} (plan ${r.planId}, by ${r.actor})`,
      ];
      if (r.reason) lines.push(`  reason: ${r.reason}`);
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
