import { z } from 'zod';
import { snakeKeys } from '../../domain/contract.js';
import { syncApprovals } from '../../ops/sync-approvals.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { shown } from '../format.js';
import { summaryOf } from '../registry.js';

export const syncApprovalsCommand = defineCommand({
  name: 'sync-approvals',
  summary: summaryOf('sync-approvals'),
  usage: 'metabuyer sync-approvals [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(z.object({ 'ad-account': z.string().optional() }), values, this.usage);
  },
  run: async (env, input) =>
    syncApprovals(await env.context(), { adAccount: input['ad-account'], actor: env.actor }),
  text(r) {
    const lines = [
      `scannedThreads=${r.scannedThreads} processedCommands=${r.processedCommands} approvedKeys=${r.approvedKeys.length} rejectedKeys=${r.rejectedKeys.length}`,
    ];
    if (r.approvedKeys.length > 0) lines.push(`  approved: ${r.approvedKeys.join(', ')}`);
    if (r.rejectedKeys.length > 0) lines.push(`  rejected: ${r.rejectedKeys.join(', ')}`);
    if (r.clearedKeys.length > 0) lines.push(`  cleared: ${r.clearedKeys.join(', ')}`);
    for (const i of r.ignored)
      lines.push(`  ignored reply ${i.ts} from <@${shown(i.user)}>: ${shown(i.reason)}`);
    return lines.join('\n');
  },
  json: (r) => snakeKeys(r),
});
