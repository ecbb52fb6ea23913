import { SEVERITY_ORDER, type Severity } from '../../domain/recommendation.js';
import { entityLink, levelLabel, money, percentChange, ratio, SEVERITY_MARK, sparkline } from './format.js';
import { context, divider, esc, fields, header, mention, packLines, section, slackDate } from './kit.js';
import { type Block, clip, LIMITS, type SlackMessage } from './limits.js';
import type { ReportFigures, ReportRecommendation, ReportView } from './types.js';

/** Recommendations shown in the report message itself; the rest go to the thread. */
export const REPORT_TOP = 10;
/** Continuation messages at most; beyond them the remainder is counted, not listed. */
export const REPORT_MAX_CONTINUATIONS = 4;
/** Headroom under Slack's per-message text budget for the blocks around the list. */
const LIST_CHAR_BUDGET = LIMITS.messageBlockChars - 1500;
const LIST_BLOCK_BUDGET = LIMITS.messageBlocks - 5;
/** The report message also carries banners (≤ ~2 000 characters) and figures. */
const TOP_CHAR_BUDGET = 8000;
const NAME_MAX = 120;
const SENTENCE_MAX = 600;

/**
 * The run report: figures with their change, a 14-day spend sparkline, banners, and the
 * recommendations by severity. Returns the report message first, then any continuation messages
 * (post them in the report's thread). Every message fits Slack's limits whatever the input: a long list
 * is split, and past REPORT_MAX_CONTINUATIONS messages it is summarised by severity and rule.
 */
export function renderReport(view: ReportView): SlackMessage[] {
  // Stable: the engine's order (rule, then entity) is kept within each severity.
  const ordered = [...view.recommendations].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  const lines = ordered.map((r) => recommendationLine(view.adAccountId, r));
  const shadow = shadowBlock(view.shadow ?? []);
  const top = takeWithin(lines, REPORT_TOP, TOP_CHAR_BUDGET - (shadow ? blockChars(shadow) : 0));
  const rest = lines.slice(top.length);
  const pages = paginate(rest, LIST_BLOCK_BUDGET, LIST_CHAR_BUDGET, REPORT_MAX_CONTINUATIONS);
  const listed = top.length + pages.reduce((n, p) => n + p.count, 0);
  const unlisted = ordered.slice(listed);

  const blocks: Block[] = [
    header(`MetaBuyer report · ${clip(view.accountName || view.adAccountId, 100)}`),
    context(
      `${esc(view.adAccountId)} · ${view.environment} · ${esc(view.window.since)} → ${esc(view.window.until)} · run \`${esc(view.runId)}\``,
    ),
    ...bannerBlocks(view),
    figuresBlock(view.current, view.previous, view.currency),
  ];
  const spark = sparkline(view.dailySpend);
  if (spark) blocks.push(context(`Spend, last ${view.dailySpend.length} days: \`${spark}\``));
  blocks.push(divider(), section(`*Recommendations* — ${countsLine(view.recommendations)}`));
  if (view.recommendations.length === 0) {
    blocks.push(section('Nothing needs attention: every rule passed.'));
  } else {
    blocks.push(...packLines(top));
  }
  const more: string[] = [];
  if (pages.length > 0) more.push(`${listed - top.length} more in this thread.`);
  if (unlisted.length > 0)
    more.push(`${summariseUnlisted(unlisted)} — \`metabuyer run-now --json\` lists them all.`);
  if (more.length > 0) blocks.push(context(more.join(' ')));
  if (shadow) blocks.push(shadow);
  if (view.planId) {
    blocks.push(context(`Approval queue for plan \`${esc(view.planId)}\` follows in this thread.`));
  }

  const first: SlackMessage = { text: fallbackText(view), blocks };
  const continuations = pages.map((page, i) => {
    const tail = i === pages.length - 1 && unlisted.length > 0 ? [context(summariseUnlisted(unlisted))] : [];
    return {
      text: `Recommendations, continued (${i + 2}/${pages.length + 1})`,
      blocks: [
        context(`*Recommendations, continued* (${i + 2}/${pages.length + 1})`),
        ...page.blocks,
        ...tail,
      ],
    };
  });
  return [first, ...continuations];
}

const SHADOW_REASON_MAX = 240;

/**
 * The rules still in shadow and why, in one context block: they recommended (their findings are in the
 * list) but planned nothing. At most nine rules by name; the rest are counted.
 */
function shadowBlock(shadow: NonNullable<ReportView['shadow']>): Block | null {
  if (shadow.length === 0) return null;
  const shown = shadow.length > LIMITS.contextElements - 1 ? LIMITS.contextElements - 2 : shadow.length;
  const texts = [
    `:ghost: *In shadow* — ${shadow.length === 1 ? 'this rule recommends but plans' : 'these rules recommend but plan'} nothing:`,
    ...shadow.slice(0, shown).map((s) => `\`${esc(s.rule)}\` — ${esc(clip(s.reason, SHADOW_REASON_MAX))}`),
  ];
  if (shown < shadow.length) texts.push(`and ${shadow.length - shown} more rules in shadow`);
  return context(...texts);
}

function blockChars(block: Block): number {
  return JSON.stringify(block).length;
}

function fallbackText(view: ReportView): string {
  const c = view.current;
  const counts = countsLine(view.recommendations);
  const halted = view.banners.halted ? ' (agent halted)' : '';
  return clip(
    `MetaBuyer report for ${esc(view.accountName || view.adAccountId)}${halted}: spend ${money(c.spend, view.currency)} | purchases ${c.purchases} | CPA ${money(c.cpa, view.currency)} | ROAS ${ratio(c.roas)} — ${counts}`,
    LIMITS.sectionText,
  );
}

function bannerBlocks(view: ReportView): Block[] {
  const b = view.banners;
  const out: Block[] = [];
  if (b.halted) {
    const who = b.halted.by ? ` by ${mention(b.halted.by)}` : '';
    const when = b.halted.at ? ` ${slackDate(b.halted.at)}` : '';
    const why = b.halted.reason ? `: ${esc(clip(b.halted.reason, 500))}` : '';
    out.push(
      section(
        `:octagonal_sign: *Agent halted*${who}${when}${why}. Nothing will be polled or written until an operator resumes it.`,
      ),
    );
  }
  if (b.trackingBroken) {
    out.push(
      section(
        `:rotating_light: *Tracking looks broken* — ${esc(clip(b.trackingBroken, 1000))} Read CPA and ROAS with care; actions based on them are held.`,
      ),
    );
  }
  if (b.staleData) {
    out.push(
      section(
        `:hourglass: *Stale data* — the last successful read was ${slackDate(b.staleData.lastSuccessAt)} (${Math.round(b.staleData.ageHours)} h ago).`,
      ),
    );
  }
  if (b.tokenExpiry) {
    const days = b.tokenExpiry.daysLeft;
    const state = days <= 0 ? 'has expired' : `expires in ${days} day${days === 1 ? '' : 's'}`;
    out.push(
      section(
        `:key: *Meta token ${state}* (${slackDate(b.tokenExpiry.expiresAt, '{date_short}')}). Reconnect with \`metabuyer connect\` to keep reports coming.`,
      ),
    );
  }
  return out;
}

function figuresBlock(current: ReportFigures, previous: ReportFigures | null, currency: string): Block {
  const vs = (cur: number | null, prev: number | null | undefined): string => {
    const change = percentChange(cur, prev ?? null);
    return change ? ` (${change})` : '';
  };
  return fields([
    `*Spend*\n${money(current.spend, currency)}${vs(current.spend, previous?.spend)}`,
    `*Purchases*\n${current.purchases}${vs(current.purchases, previous?.purchases)}`,
    `*CPA*\n${money(current.cpa, currency)}${vs(current.cpa, previous?.cpa)}`,
    `*ROAS*\n${ratio(current.roas)}${vs(current.roas, previous?.roas)}`,
  ]);
}

function recommendationLine(adAccountId: string, r: ReportRecommendation): string {
  const entity = entityLink(adAccountId, { ...r.entity, name: clip(r.entity.name, NAME_MAX) });
  const key = r.actionKey ? ` · action *${esc(r.actionKey)}*` : '';
  const where = r.entity.level === 'account' ? 'account' : `${levelLabel(r.entity.level)} ${entity}`;
  return `${SEVERITY_MARK[r.severity]} · \`${r.rule}\` · ${where}${key}\n>${esc(clip(r.sentence, SENTENCE_MAX))}`;
}

function countsLine(recs: readonly ReportRecommendation[]): string {
  if (recs.length === 0) return 'none';
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const r of recs) counts[r.severity]++;
  return (['high', 'medium', 'low'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(' · ');
}

function summariseUnlisted(recs: readonly ReportRecommendation[]): string {
  const byRule = new Map<string, number>();
  for (const r of recs) byRule.set(r.rule, (byRule.get(r.rule) ?? 0) + 1);
  const rules = [...byRule.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([rule, n]) => `\`${rule}\` ×${n}`)
    .join(', ');
  return `${recs.length} more not listed (${countsLine(recs)}): ${rules}`;
}

function takeWithin(lines: readonly string[], maxLines: number, maxChars: number): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const line of lines.slice(0, maxLines)) {
    if (chars + line.length + 1 > maxChars) break;
    out.push(line);
    chars += line.length + 1;
  }
  return out;
}

interface Page {
  blocks: Block[];
  count: number;
}

/**
 * Lines into pages of packed sections, each page within the block and character budgets. Packing is
 * simulated line by line (as packLines packs), so paging 500 lines stays linear.
 */
function paginate(lines: string[], maxBlocks: number, maxChars: number, maxPages: number): Page[] {
  const pages: Page[] = [];
  let i = 0;
  while (i < lines.length && pages.length < maxPages) {
    const taken: string[] = [];
    let chars = 0;
    let sections = 0;
    let current = 0;
    while (i < lines.length) {
      const line = clip(lines[i]!, LIMITS.sectionText);
      const opensSection = current === 0 || current + 1 + line.length > LIMITS.sectionText;
      if (chars + line.length + 1 > maxChars) break;
      if (opensSection && sections + 1 > maxBlocks) break;
      if (opensSection) {
        sections++;
        current = line.length;
      } else {
        current += 1 + line.length;
      }
      taken.push(line);
      chars += line.length + 1;
      i++;
    }
    if (taken.length === 0) break;
    pages.push({ blocks: packLines(taken), count: taken.length });
  }
  return pages;
}
