import { z } from 'zod';
import { actionLog } from '../../ops/action-log.js';
import { validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { table } from '../format.js';
import { showValue } from './values.js';

export const actionLogCommand = defineCommand({
  name: 'action-log',
  summary: 'the newest writes: who approved, who confirmed, before → after, outcome',
  usage: 'metabuyer action-log [--limit N] [--ad-account ID] [--json]',
  flags: { limit: { type: 'string', placeholder: 'N', description: 'how many entries (1–500, default 20)' } },
  parse(values) {
    return validateFlags(
      z.object({
        'ad-account': z.string().optional(),
        limit: wholeNumberFlag(1, 500).default(20),
      }),
      values,
      this.usage,
    );
  },
  run: async (env, input) =>
    actionLog(await env.context(), { adAccount: input['ad-account'], limit: input.limit }),
  text(r) {
    // Intents are the write-ahead half of each write; the JSON keeps them, people read outcomes.
    const outcomes = r.entries.filter((e) => e.event !== 'intent');
    if (outcomes.length === 0) return `No writes logged yet for ${r.adAccountId}.`;
    return table(
      ['when', 'what', 'key', 'entity', 'before → after', 'outcome', 'approved by', 'confirmed by'],
      outcomes.map((e) => [
        e.at.replace('T', ' ').slice(0, 19),
        e.kind === 'rollback' ? `rollback ${e.type}` : e.type,
        e.key,
        `${e.level} ${e.entityName ?? ''} (${e.entityId})`,
        `${showValue(e.type, e.from, r.currency)} → ${showValue(e.type, e.to, r.currency)}`,
        e.reason ? `${e.event}: ${e.reason}` : e.event,
        e.approvedBy.join(', ') || '—',
        e.confirmedBy ?? '—',
      ]),
    );
  },
});
