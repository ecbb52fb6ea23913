import { z } from 'zod';
import { SEED_LABEL, SEED_OBJECTS, seedSandbox } from '../../ops/seed-sandbox.js';
import { verifyUseCases } from '../../ops/verify-use-cases.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

const flagsSchema = z.object({
  'ad-account': z
    .string()
    .regex(/^(act_)?\d{1,20}$/, 'must be digits or act_<digits>')
    .optional(),
  'page-id': z
    .string()
    .regex(/^\d{1,20}$/, 'must be a numeric Page id')
    .optional(),
});

const pageFlag = {
  'page-id': {
    type: 'string' as const,
    placeholder: 'ID',
    description: "the Facebook Page for creatives (default: the connection's Page)",
  },
};

export const verifyUseCasesCommand = defineCommand({
  name: 'verify-use-cases',
  summary: summaryOf('verify-use-cases'),
  usage: 'metabuyer verify-use-cases [--page-id ID] [--ad-account ID] [--json]',
  flags: pageFlag,
  parse(values) {
    return validateFlags(flagsSchema, values, this.usage);
  },
  run: async (env, f) =>
    verifyUseCases(await env.context(), {
      ...(f['ad-account'] ? { adAccount: f['ad-account'] } : {}),
      ...(f['page-id'] ? { pageId: f['page-id'] } : {}),
    }),
  text(r) {
    const lines = r.useCases.map((u) => `${u.status.toUpperCase().padEnd(4)} ${u.name}: ${u.detail}`);
    if (r.pageId === null)
      lines.push('Page and creative checks skipped: pass --page-id (or connect with --page-id) to run them.');
    lines.push(
      r.wroteNothing
        ? `Nothing was written to ${r.adAccountId}: writes were validate_only dry runs.`
        : `WARNING: Meta applied something to ${r.adAccountId} that it was asked only to validate; see above.`,
    );
    return lines.join('\n');
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    use_cases: r.useCases.map((u) => ({ name: u.name, status: u.status, detail: u.detail })),
    wrote_nothing: r.wroteNothing,
  }),
  exitCode: (r) => (r.useCases.some((u) => u.status === 'fail') ? 1 : 0),
});

export const seedSandboxCommand = defineCommand({
  name: 'seed-sandbox',
  summary: summaryOf('seed-sandbox'),
  usage: 'metabuyer seed-sandbox [--page-id ID] [--ad-account ID] [--json]',
  flags: pageFlag,
  parse(values) {
    return validateFlags(flagsSchema, values, this.usage);
  },
  run: async (env, f) =>
    seedSandbox(await env.context(), {
      ...(f['ad-account'] ? { adAccount: f['ad-account'] } : {}),
      ...(f['page-id'] ? { pageId: f['page-id'] } : {}),
    }),
  text(r) {
    const made = SEED_OBJECTS.filter((o) => r.created[o] !== null);
    const lines = [
      made.length > 0
        ? `Created in ${r.adAccountId} (sandbox), all PAUSED:`
        : `Nothing was created in ${r.adAccountId}.`,
    ];
    for (const o of made) lines.push(`  ${SEED_LABEL[o].padEnd(8)} ${r.created[o]}  ${r.names[o]}`);
    if (r.problem) {
      lines.push(
        `${r.problem.outcome === 'unknown' ? 'UNKNOWN' : 'FAILED'} ${SEED_LABEL[r.problem.object]}: ${r.problem.message}`,
      );
    }
    for (const s of r.skipped) lines.push(`Skipped ${SEED_LABEL[s.object]}: ${s.reason}`);
    return lines.join('\n');
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    created: {
      campaign_id: r.created.campaign,
      adset_id: r.created.adset,
      creative_id: r.created.creative,
      ad_id: r.created.ad,
    },
    skipped: r.skipped.map((s) => ({ object: s.object, reason: s.reason })),
    ...(r.problem
      ? {
          error: {
            code: r.problem.code,
            message: r.problem.message,
            object: r.problem.object,
            outcome: r.problem.outcome,
          },
        }
      : {}),
  }),
  exitCode: (r) => (r.problem ? 1 : 0),
});
