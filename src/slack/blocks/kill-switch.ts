import { context, esc, header, section, slackDate } from './kit.js';
import type { Block } from './limits.js';

export interface KillSwitchView {
  adAccountId: string;
  trips: Array<{ kind: string; reason: string }>;
  /** ISO time of the trip. */
  at: string;
  /** The plan whose approvals expired, if one was open. */
  planId: string | null;
}

const TITLE: Record<string, string> = {
  spend_pace: 'Spend far above its usual pace',
  zero_conversions: 'Spending without conversions',
  token: 'Meta login or permission changed',
  write_failures: 'Repeated write failures',
  flapping: 'Someone else is undoing our writes',
};

function clipText(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * The one message a kill-switch trip posts in the agent's channel: what tripped and why, that the
 * agent is halted (no writes; polls still report) and that pending approvals expired, and how to resume.
 * Reasons are escaped: they quote names from Meta.
 */
export function renderKillSwitch(v: KillSwitchView): { text: string; blocks: Block[] } {
  const kinds = v.trips.map((t) => TITLE[t.kind] ?? t.kind);
  const text = `Kill switch tripped on ${v.adAccountId}: ${kinds.join('; ')}. The agent is halted until an operator resumes it.`;
  const blocks: Block[] = [
    header(`🛑 Kill switch: ${v.adAccountId} halted`),
    // One section per kind (there are 5), each reason clipped: the whole stays inside Slack's text budget.
    ...v.trips
      .slice(0, 5)
      .map((t) => section(`*${esc(TITLE[t.kind] ?? t.kind)}*\n${esc(clipText(t.reason, 600))}`)),
    section(
      `Nothing will be written to Meta.${v.planId ? ' Pending approvals have expired and the approval queue is closed.' : ''} Polls still run and report.`,
    ),
    context(
      `Tripped ${slackDate(v.at)}. An operator resumes with \`metabuyer resume-agent --ad-account ${esc(v.adAccountId)}\` (or from App Home).`,
    ),
  ];
  return { text, blocks };
}
