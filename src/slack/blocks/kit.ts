import { type Block, clip, LIMITS } from './limits.js';

/**
 * Small Block Kit builders. Every piece of text that may come from outside (Meta entity names, reasons
 * typed by people) goes through `esc` before it is placed in mrkdwn: Slack requires &, < and > to be
 * written as entities, and an unescaped `<!channel>` in an ad set name would otherwise ping a channel.
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mrkdwn link whose label is untrusted; the URL must be one we built. */
export function link(url: string, label: string): string {
  // `|` would end the URL part early only if it appeared in the URL; labels may contain it.
  return `<${url}|${esc(label)}>`;
}

/** `<!date^…>`: Slack renders it in the viewer's time zone, with the ISO time as the fallback. */
export function slackDate(iso: string, format = '{date_short_pretty} {time}'): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return esc(iso);
  // The fallback is rebuilt from the parsed time, so nothing of the input reaches the markup.
  return `<!date^${Math.floor(ms / 1000)}^${format}|${new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')}>`;
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : esc(userId);
}

export function section(text: string, extra: Record<string, unknown> = {}): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }, ...extra };
}

export function fields(items: string[]): Block {
  return {
    type: 'section',
    fields: items
      .slice(0, LIMITS.sectionFields)
      .map((t) => ({ type: 'mrkdwn', text: clip(t, LIMITS.sectionField) })),
  };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerText), emoji: true } };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: clip(t, LIMITS.sectionText) })),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

export function plain(text: string, max: number = LIMITS.sectionText): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text: clip(text, max) };
}

export interface ButtonOptions {
  style?: 'primary' | 'danger';
  value?: string;
  url?: string;
  /** A Block Kit confirm object: Slack asks before sending the click. */
  confirm?: ConfirmDialog;
}

export interface ConfirmDialog {
  title: string;
  text: string;
  confirm: string;
  deny: string;
  style?: 'primary' | 'danger';
}

/** Block Kit's confirm object (title 100, text 300, buttons 30 characters). */
export function confirmObject(d: ConfirmDialog): Record<string, unknown> {
  return {
    title: { type: 'plain_text', text: clip(d.title, 100) },
    text: { type: 'mrkdwn', text: clip(d.text, 300) },
    confirm: { type: 'plain_text', text: clip(d.confirm, 30) },
    deny: { type: 'plain_text', text: clip(d.deny, 30) },
    ...(d.style ? { style: d.style } : {}),
  };
}

export function button(text: string, actionId: string, opts: ButtonOptions = {}): Record<string, unknown> {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(text, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    ...(opts.value !== undefined ? { value: opts.value } : {}),
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.confirm ? { confirm: confirmObject(opts.confirm) } : {}),
  };
}

export function actions(blockId: string, elements: Record<string, unknown>[]): Block {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, LIMITS.actionsElements) };
}

/**
 * Packs lines into as few sections as possible, each under the section limit: one section per line
 * would spend the 50-block budget long before the character budget.
 */
export function packLines(lines: string[], max: number = LIMITS.sectionText): Block[] {
  const blocks: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, max);
    if (current && current.length + 1 + line.length > max) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(section(current));
  return blocks;
}
