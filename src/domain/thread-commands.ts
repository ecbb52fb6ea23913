import type { Decision } from './action-state.js';

/**
 * Approvers answer in the Slack thread in plain words: `APPROVE A1 A3`, `reject a2`, `CLEAR A1`,
 * `approve all`, one command a line. Anything else in a reply is conversation and is ignored. Parsing is
 * strict about the verb (it must start the line) and lenient about case, commas and "and". A rejection
 * may say why after its keys (`REJECT A2 too early to judge`); an approval may not carry extra words,
 * so a typo such as `APPROVE A1 A` is reported instead of approving A1 alone.
 */
export interface ThreadCommand {
  decision: Decision;
  keys: string[] | 'ALL';
  /** The line it came from, for the record. */
  line: string;
  /** REJECT only: the words after the keys (`REJECT A2 too early to judge`). */
  reason?: string;
}

export interface ParsedReply {
  commands: ThreadCommand[];
  /** Lines that started with a verb but named nothing valid. */
  problems: string[];
}

const VERBS: Record<string, Decision> = {
  approve: 'approve',
  approved: 'approve',
  reject: 'reject',
  rejected: 'reject',
  clear: 'clear',
};
const KEY = /^A[1-9][0-9]{0,3}$/;

export function parseThreadReply(text: string): ParsedReply {
  const commands: ThreadCommand[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Slack may wrap words in formatting (*APPROVE* A1) or send a leading mention of the bot.
    const line = raw
      .replace(/<@[A-Z0-9]+>/g, ' ')
      .replace(/[*_~`]/g, '')
      .trim();
    const words = line.split(/[\s,;]+/).filter((w) => w && w.toLowerCase() !== 'and');
    const verb = VERBS[words[0]?.toLowerCase().replace(/:$/, '') ?? ''];
    if (!verb) continue;
    const rest = words.slice(1).map((w) => w.toUpperCase().replace(/[.!]$/, ''));
    if (verb === 'reject') {
      const reasoned = rejectionWithReason(words.slice(1), rest, line);
      if (reasoned) {
        commands.push(reasoned);
        continue;
      }
    }
    if (rest.length === 1 && rest[0] === 'ALL') {
      commands.push({ decision: verb, keys: 'ALL', line });
      continue;
    }
    const keys = rest.filter((w) => KEY.test(w));
    const junk = rest.filter((w) => !KEY.test(w));
    if (keys.length === 0 || junk.length > 0) {
      problems.push(
        `"${line}": expected action keys like A1 A2 (or ALL)${junk.length > 0 ? `, not ${junk.join(' ')}` : ''}`,
      );
      continue;
    }
    commands.push({ decision: verb, keys: [...new Set(keys)], line });
  }
  return { commands, problems };
}

/** `REJECT A2 A3 too early to judge` / `REJECT ALL: not this week` → keys and the reason after them. */
function rejectionWithReason(words: string[], rest: string[], line: string): ThreadCommand | undefined {
  const upper = rest.map((w) => w.replace(/:$/, ''));
  let n = 0;
  if (upper[0] === 'ALL') n = 1;
  else while (n < upper.length && KEY.test(upper[n]!)) n++;
  if (n === 0 || n === upper.length) return undefined;
  const reason = words
    .slice(n)
    .join(' ')
    .replace(/^[:\-–—]+\s*/, '')
    .slice(0, 500)
    .trim();
  if (!reason) return undefined;
  const keys = upper[0] === 'ALL' ? ('ALL' as const) : [...new Set(upper.slice(0, n))];
  return { decision: 'reject', keys, line, reason };
}
