/**
 * Slack's documented Block Kit limits, in one place. The renderers respect them by construction; the
 * guard below is the last line before a payload leaves the process, because Slack refuses a whole
 * message (invalid_blocks, msg_blocks_too_long) for one field over a limit, and a refused report is a
 * report nobody reads.
 *
 * Sources: Block Kit reference (docs.slack.dev/reference/block-kit): section text 3 000, section field
 * 2 000, header 150, button text 75 / value 2 000, action_id and block_id 255, context 10 elements,
 * actions 25 elements, 50 blocks per message, 100 per modal or Home tab, view title/submit/close 24,
 * private_metadata 3 000. Message `text` is truncated by Slack past 40 000 characters, and Slack refuses
 * blocks whose text adds up past roughly 12 000-13 000 characters with `msg_blocks_too_long` (seen in
 * slackapi/bolt-js#2509; the markdown block documents a 12 000 cumulative limit), so 12 000 is the budget.
 */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  /** All text inside one message's blocks. */
  messageBlockChars: 12_000,
  messageText: 40_000,
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  plainTextInput: 3000,
} as const;

/** A Block Kit block, as JSON. The renderers build them with the helpers in kit.ts. */
export type Block = Record<string, unknown> & { type: string };

/** What chat.postMessage / chat.update need from a renderer: blocks plus the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Characters Slack counts towards a message's cumulative block text: every `text` string inside. */
export function blockTextChars(blocks: readonly unknown[]): number {
  let total = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') total += v.length;
        else walk(v);
      }
    }
  };
  walk(blocks);
  return total;
}

/** Every limit a message breaks, as sentences; empty when Slack will take it. */
export function messageLimitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.blocks.length > LIMITS.messageBlocks) {
    problems.push(`${message.blocks.length} blocks (a message holds ${LIMITS.messageBlocks})`);
  }
  if (message.text.length > LIMITS.messageText) {
    problems.push(`text of ${message.text.length} characters (limit ${LIMITS.messageText})`);
  }
  const chars = blockTextChars(message.blocks);
  if (chars > LIMITS.messageBlockChars) {
    problems.push(`${chars} characters of block text (budget ${LIMITS.messageBlockChars})`);
  }
  message.blocks.forEach((b, i) => {
    const text = (b.text as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') return;
    const max = b.type === 'header' ? LIMITS.headerText : b.type === 'section' ? LIMITS.sectionText : null;
    if (max !== null && text.length > max)
      problems.push(`block ${i} (${b.type}) text of ${text.length} > ${max}`);
  });
  return problems;
}

/**
 * Returns a message Slack will accept: the message itself when it fits, otherwise the longest prefix of
 * its blocks that fits plus a note saying what was left out. Renderers should never need it; it exists so
 * that a bug in one shows as a shortened report rather than a refused one.
 */
export function guardMessage(message: SlackMessage): { message: SlackMessage; trimmed: string[] } {
  const problems = messageLimitProblems(message);
  if (problems.length === 0) return { message, trimmed: [] };
  const note = (left: number): Block => ({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `_${left} more block(s) left out to stay within Slack's limits._` }],
  });
  const kept: Block[] = [];
  for (const block of message.blocks) {
    const candidate = [...kept, block];
    const probe = { text: '', blocks: [...candidate, note(message.blocks.length)] };
    if (probe.blocks.length > LIMITS.messageBlocks || messageLimitProblems(probe).length > 0) break;
    kept.push(block);
  }
  const left = message.blocks.length - kept.length;
  const blocks = left > 0 ? [...kept, note(left)] : kept;
  const text =
    message.text.length > LIMITS.messageText ? clip(message.text, LIMITS.messageText) : message.text;
  return { message: { text, blocks }, trimmed: problems };
}

/**
 * Cuts text to at most `max` characters, ending in "…", without splitting an HTML entity (&amp;) that
 * escaping put there or a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const amp = text.lastIndexOf('&', cut);
  if (amp !== -1 && amp > cut - 5 && !text.slice(amp, cut).includes(';')) {
    const semi = text.indexOf(';', amp);
    if (semi === -1 || semi >= cut) cut = amp;
  }
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + '…';
}
