import type { Decision } from './action-state.js';

/**
 * Approvers answer in the Slack thread in plain words: `APPROVE A1 A3`, `reject a2 too early to judge`,
 * `CLEAR A1`, `approve all`, one command a line. Anything else in a reply is conversation and is
 * ignored. Parsing is strict about the verb (it must start the line) and lenient about case, commas,
 * "and", mentions and Slack formatting. A REJECT may end with a reason, kept as typed.
 */
export interface ThreadCommand {
  decision: Decision;
  keys: string[] | 'ALL';
  /** REJECT only: the words after the keys ("too early to judge"); null when none were given. */
  reason: string | null;
  /** The line it came from, for the record. */
  line: string;
}

export interface ParsedReply {
  commands: ThreadCommand[];
  /** Lines that started with a verb but named nothing valid, each saying what was not understood. */
  problems: string[];
}

const VERBS: Record<string, Decision> = {
  approve: 'approve',
  approved: 'approve',
  reject: 'reject',
  rejected: 'reject',
  clear: 'clear',
};
const VERB = /^(approved?|rejected|reject|clear)\b[:.!]?/i;
/** One key (or ALL) with the separators before it: spaces, commas, semicolons, "&", "and". */
const NEXT_KEY = /^(?:[\s,;&]|\band\b)*\b(A[1-9][0-9]{0,3}|ALL)\b[.!:]?/i;
/** What may sit between the keys and a rejection's reason. */
const REASON_LEAD = /^(?:[\s,;:\-–—]|\bbecause\b)+/i;
const REASON_MAX = 500;

export function parseThreadReply(text: string): ParsedReply {
  const commands: ThreadCommand[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Slack may wrap words in formatting (*APPROVE* A1) or send a leading mention (<@U123> or <@U123|ana>).
    const line = raw
      .replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/gi, ' ')
      .replace(/[*_~`]/g, '')
      .trim();
    const verbMatch = VERB.exec(line);
    if (!verbMatch) continue;
    const verb = VERBS[verbMatch[1]!.toLowerCase()]!;
    let rest = line.slice(verbMatch[0].length);
    const keys: string[] = [];
    for (let m = NEXT_KEY.exec(rest); m; m = NEXT_KEY.exec(rest)) {
      keys.push(m[1]!.toUpperCase());
      rest = rest.slice(m[0].length);
    }
    const remainder = rest.replace(REASON_LEAD, '').trim();
    const all = keys.includes('ALL');
    if (keys.length === 0) {
      problems.push(
        `"${line}": expected action keys like A1 A2 (or ALL)${remainder ? `, not ${remainder.toUpperCase()}` : ''}`,
      );
      continue;
    }
    if (all && keys.length > 1) {
      problems.push(`"${line}": ALL stands alone; name keys like A1 A2, or ALL, not both`);
      continue;
    }
    if (remainder && verb !== 'reject') {
      problems.push(`"${line}": expected action keys like A1 A2 (or ALL), not ${remainder.toUpperCase()}`);
      continue;
    }
    commands.push({
      decision: verb,
      keys: all ? 'ALL' : [...new Set(keys)],
      reason: verb === 'reject' && remainder ? remainder.slice(0, REASON_MAX) : null,
      line,
    });
  }
  return { commands, problems };
}
