import { z } from 'zod';
import { status } from '../../ops/status.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { kv } from '../format.js';

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'enabled, execution, interval, halted, environment, last and next run, token expiry',
  usage: 'metabuyer status [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(z.object({ 'ad-account': z.string().optional() }), values, this.usage);
  },
  run: async (env, input) =>
    status(await env.context(), { adAccount: input['ad-account'], actor: env.actor }),
  text(r) {
    const lines = [
      kv({
        enabled: r.enabled,
        executionEnabled: r.executionEnabled,
        intervalSeconds: r.intervalSeconds,
        halted: r.halted,
      }),
    ];
    if (r.halted) lines.push(`halted: ${r.haltedReason} (by ${r.haltedBy ?? 'unknown'})`);
    lines.push(
      `account ${r.adAccountId} · environment ${r.environment} · reports to ${r.slackTarget ?? 'no Slack channel yet'}`,
    );
    lines.push(
      `last run: ${r.lastRun ? `${r.lastRun.status} at ${r.lastRun.startedAt}` : 'never'} · next run: ${
        r.nextRunAt ?? (r.halted ? 'none while halted' : 'none (disabled)')
      }`,
    );
    lines.push(
      `token: ${r.token.mode}, ${
        r.token.expiresAt
          ? `expires ${r.token.expiresAt} (in ${r.token.expiresInDays} days)`
          : 'never expires'
      }`,
    );
    if (r.plan) {
      const counts = Object.entries(r.plan.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
      lines.push(
        `plan ${r.plan.id}: ${counts || 'no actions'}${r.plan.expired ? ' (expired)' : ` · expires ${r.plan.expiresAt}`}`,
      );
    }
    return lines.join('\n');
  },
});
