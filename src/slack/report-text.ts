import { formatMoney } from '../domain/money.js';
import type { RenderedMessage, ReportRenderer, ReportView } from './report-view.js';

function money(minor: number | null, currency: string): string {
  return minor === null ? 'n/a' : formatMoney(minor, currency);
}

function value(type: string, v: string | number, currency: string): string {
  return type === 'update_daily_budget' && typeof v === 'number'
    ? `${formatMoney(v, currency)}/day`
    : String(v);
}

/** Plain text messages: the fallback until the Block Kit renderers land, and what notifications show. */
export const plainTextRenderer: ReportRenderer = {
  report(view: ReportView): RenderedMessage {
    const { agent, run } = view;
    const name = agent.accountName ? `${agent.accountName} (${agent.adAccountId})` : agent.adAccountId;
    const lines = [`MetaBuyer report for ${name}`];
    if (run.windowSince && run.windowUntil) lines.push(`Window ${run.windowSince} … ${run.windowUntil}`);
    if (run.summary) {
      const s = run.summary;
      lines.push(
        `spend ${money(s.spend, agent.currency)} | purchases ${s.purchases} | CPA ${money(s.cpa, agent.currency)} | ROAS ${
          s.roas === null ? 'n/a' : s.roas.toFixed(2)
        }`,
      );
    }
    if (view.recommendations.length === 0) lines.push('No recommendations: nothing needs attention.');
    for (const r of view.recommendations)
      lines.push(`• [${r.severity}] ${r.rule} · ${r.entityName}: ${r.message}`);
    return { text: lines.join('\n') };
  },
  queue(view: ReportView): RenderedMessage | undefined {
    const plan = view.plan;
    if (!plan || plan.actions.length === 0) return undefined;
    const lines = [`Approval queue (plan ${plan.id}, expires ${plan.expiresAt.toISOString()}):`];
    for (const a of plan.actions) {
      lines.push(
        `${a.key}: ${a.type} ${a.level} ${a.entityName} ${value(a.type, a.from, view.agent.currency)} → ${value(
          a.type,
          a.to,
          view.agent.currency,
        )}${a.requiresApproval ? '' : ' (approval waived)'}`,
      );
    }
    lines.push('Reply APPROVE A1 A2…, REJECT A3 or CLEAR A1 in this thread.');
    return { text: lines.join('\n') };
  },
};
