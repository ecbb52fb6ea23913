import { z } from 'zod';
import { snakeKeys } from '../../domain/contract.js';
import { type HaltResult, pauseAgent, resumeAgent } from '../../ops/halt.js';
import { initDatabase } from '../../ops/init.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { shown } from '../format.js';
import { summaryOf } from '../registry.js';

const noFlags = z.object({ 'ad-account': z.string().optional() });

export const initCommand = defineCommand({
  name: 'init',
  summary: summaryOf('init'),
  usage: 'metabuyer init [--json]',
  noAdAccount: true,
  flags: {},
  parse: () => ({}),
  async run(env) {
    const ctx = await env.context();
    if (!ctx.config.databaseUrl && !env.json) {
      env.io.err(
        `… Preparing the embedded database in ${ctx.config.home} (the first time takes about 15 s)…`,
      );
    }
    return initDatabase(ctx);
  },
  text: (r) =>
    `Database ready: ${r.database.where} (migrations applied).${
      r.database.kind === 'pglite' ? `\nEmbedded data and encryption key in ${r.home}` : ''
    }`,
});

export const migrateCommand = defineCommand({
  ...initCommand,
  name: 'migrate',
  summary: summaryOf('migrate'),
  usage: 'metabuyer migrate [--json]',
});

function haltText(r: HaltResult): string {
  if (!r.halted) return `Agent for ${r.adAccountId} resumed: polling and execution are back on.`;
  return `Agent for ${r.adAccountId} halted: ${shown(r.haltedReason)} (by ${shown(r.haltedBy)}). Nothing polls or executes until \`metabuyer resume-agent\`.`;
}

export const pauseAgentCommand = defineCommand({
  name: 'pause-agent',
  summary: summaryOf('pause-agent'),
  usage: 'metabuyer pause-agent --reason "…" [--ad-account ID] [--json]',
  flags: {
    reason: {
      type: 'string',
      placeholder: 'TEXT',
      description: 'why, shown to everyone who tries to run it',
    },
  },
  parse(values) {
    return validateFlags(
      noFlags.extend({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(500) }),
      values,
      this.usage,
    );
  },
  run: async (env, input) =>
    pauseAgent(await env.context(), {
      adAccount: input['ad-account'],
      reason: input.reason,
      actor: env.actor,
    }),
  text: haltText,
  json: (r) => snakeKeys(r),
});

export const resumeAgentCommand = defineCommand({
  name: 'resume-agent',
  summary: summaryOf('resume-agent'),
  usage: 'metabuyer resume-agent [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(noFlags, values, this.usage);
  },
  run: async (env, input) =>
    resumeAgent(await env.context(), { adAccount: input['ad-account'], actor: env.actor }),
  text: haltText,
  json: (r) => snakeKeys(r),
});
