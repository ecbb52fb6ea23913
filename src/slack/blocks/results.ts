import type { ExecuteResult } from '../../ops/execute.js';
import type { RollbackResult } from '../../ops/rollback.js';
import { esc, mention, section } from './kit.js';
import type { Block } from './limits.js';

/** Lines listed in the message; the rest are counted. Slack caps a message at 50 blocks. */
const MAX_LINES = 30;

const MARK: Record<string, string> = {
  applied: '✅',
  rolled_back: '↩️',
  skipped: '⏭️',
  refused: '⏭️',
  failed: '❌',
  unknown: '❓',
};

function line(r: {
  outcome: string;
  entityName: string | null;
  entityId: string;
  type: string;
  from: string | number;
  to: string | number;
  reason: string | null;
}): string {
  const name = esc(r.entityName ?? r.entityId);
  const change = `${esc(r.type)} ${esc(String(r.from))} → ${esc(String(r.to))}`;
  const why = r.reason ? ` — ${esc(r.reason)}` : '';
  return `${MARK[r.outcome] ?? '•'} *${name}* ${change}: ${esc(r.outcome.replace('_', ' '))}${why}`;
}

/**
 * The results of a confirmation, as a reply in its plan's thread: a summary line (what was applied,
 * skipped and why) and one line per action. Names and reasons are escaped: they come from Meta and people.
 */
export function renderResults(
  result: ExecuteResult | RollbackResult,
  by: string,
): { text: string; blocks: Block[] } {
  const summary =
    result.kind === 'execute'
      ? `Executed in ${result.environment} by ${mention(by)}: ${result.applied} applied, ${result.skipped} skipped${
          Object.keys(result.skippedBy).length
            ? ` (${Object.entries(result.skippedBy)
                .map(([k, n]) => `${esc(k.replace(/_/g, ' '))} ${n}`)
                .join(', ')})`
            : ''
        }, ${result.failed} failed${result.unknown ? `, ${result.unknown} unknown` : ''}.`
      : `Rolled back by ${mention(by)}: ${result.rolled_back} rolled back, ${result.refused} refused, ${result.failed} failed.`;
  const lines = result.results.map((r) => line(r));
  const shown = lines.slice(0, MAX_LINES);
  const more = lines.length - shown.length;
  const blocks: Block[] = [section(summary)];
  // Several lines per section keep the message well under Slack's block cap.
  for (let i = 0; i < shown.length; i += 10) blocks.push(section(shown.slice(i, i + 10).join('\n')));
  if (more > 0) blocks.push(section(`…and ${more} more (metabuyer action-log).`));
  return { text: summary, blocks };
}
