import { UsageError } from '../../lib/errors.js';

/**
 * Splits a slash command's text into arguments the way a shell would, so `/metabuyer pause-agent
 * --reason "CPA spike"` means what it means in a terminal. Slack's clients turn straight quotes into
 * curly ones, so both are accepted. An unbalanced quote is a usage error, never a guess.
 */
const OPENERS: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '”': '”' };

export function tokenize(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let inToken = false;
  let closer: string | null = null;
  for (const ch of text.replace(/\u00a0/g, ' ')) {
    if (closer) {
      if (ch === closer || (closer === '”' && ch === '"')) closer = null;
      else current += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
      continue;
    }
    const close = OPENERS[ch];
    if (close) {
      closer = close;
      inToken = true;
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (closer) throw new UsageError('a quote is not closed', '/metabuyer <command> [flags]');
  if (inToken) out.push(current);
  // Slack's clients also turn `--` into an em dash: `—reason` was meant as `--reason`.
  return out.map((t) => t.replace(/^[—–]/, '--'));
}
