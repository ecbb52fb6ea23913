import { KILL_SWITCH_ACTOR } from '../../domain/kill-switch.js';
import { money } from './format.js';
import { connectionBlocks } from './home-connect.js';
import { ACTION_IDS } from './ids.js';
import {
  actions,
  button,
  context,
  divider,
  esc,
  fields,
  header,
  mention,
  section,
  slackDate,
} from './kit.js';
import { type Block, clip, LIMITS } from './limits.js';
import type { HomeAgentView, HomeView } from './types.js';

/**
 * The App Home tab, rendered for one viewer. Operators see the edit and pause/resume buttons; everyone
 * else sees the same facts and a line saying who can change them. With no agent yet it explains how to
 * connect one instead of showing empty fields.
 */
export function renderHome(view: HomeView): Record<string, unknown> {
  const blocks = [
    ...(view.agent ? agentBlocks(view, view.agent) : unconfiguredBlocks(view)),
    ...connectionBlocks(view),
  ];
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}

function unconfiguredBlocks(view: HomeView): Block[] {
  const blocks: Block[] = [
    header('MetaBuyer'),
    section(
      'No ad account is connected yet. MetaBuyer watches a Meta ad account, posts a report and an approval queue to a channel, and writes only what approvers approve and an operator confirms.',
    ),
  ];
  if (view.connect) {
    blocks.push(
      section(
        '*To connect one*, press *Connect with Facebook* below and log in, then choose the ad account here. Or paste a System User token, or on the MetaBuyer host run `npx metabuyer connect --access-token … --ad-account act_… --env sandbox|live`.',
      ),
    );
  } else {
    blocks.push(
      context(
        view.viewer.isOperator
          ? 'You are an operator: once connected, this tab lets you edit targets, schedule, people and execution.'
          : 'An operator connects the ad account (Connect with Facebook here, or `npx metabuyer connect` on the MetaBuyer host); ask the person who installed MetaBuyer.',
      ),
    );
  }
  return blocks;
}

function agentBlocks(view: HomeView, a: HomeAgentView): Block[] {
  const operator = view.viewer.isOperator;
  const blocks: Block[] = [
    header(`MetaBuyer · ${clip(a.accountName || a.adAccountId, 120)}`),
    context(
      `${esc(a.adAccountId)} · ${a.environment} · ${esc(a.currency)}${a.slackChannel ? ` · reports in ${channelRef(a.slackChannel)}` : ''}`,
    ),
  ];
  if (a.halted) {
    const by = a.halted.by ? ` by ${mention(a.halted.by)}` : '';
    const at = a.halted.at ? ` ${slackDate(a.halted.at)}` : '';
    const why = a.halted.reason ? `: ${esc(clip(a.halted.reason, 500))}` : '';
    // A kill-switch halt keeps polling (src/domain/kill-switch.ts): say so, and that an operator resumes.
    const tripped = a.halted.by === KILL_SWITCH_ACTOR;
    blocks.push(
      section(
        tripped
          ? `:octagonal_sign: *Halted by the kill switch*${at}${why}. Polls still report; no plans and no writes until an operator resumes.`
          : `:octagonal_sign: *Halted*${by}${at}${why}. No polling and no writes until resumed.`,
      ),
    );
  }
  blocks.push(
    section('*Connection*'),
    fields([
      `*Ad account*\n${esc(a.accountName)} (\`${esc(a.adAccountId)}\`)`,
      `*Environment*\n${a.environment}`,
      `*Token*\n${tokenLine(a.token)}`,
      `*Execution*\n${a.executionEnabled ? 'enabled (operator confirmation still required)' : 'disabled: nothing is written'}`,
    ]),
    divider(),
    section('*Targets and thresholds*'),
    fields([
      `*Target CPA*\n${a.targets.cpa === null ? 'not set' : money(a.targets.cpa, a.currency)}`,
      `*Target ROAS*\n${a.targets.roas === null ? 'not set' : a.targets.roas.toFixed(2)}`,
      `*Window*\n${esc(a.window.datePreset)}`,
      `*Attribution*\n${esc(a.window.attributionWindow)}`,
      ...a.thresholds.slice(0, 6).map((t) => `*${esc(clip(t.label, 80))}*\n${esc(clip(t.value, 80))}`),
    ]),
    section('*Schedule*'),
    fields([
      `*Every*\n${intervalLabel(a.schedule.intervalSeconds)}${a.enabled ? '' : ' (polling disabled)'}`,
      `*Next run*\n${a.schedule.nextRunAt && !a.halted && a.enabled ? slackDate(a.schedule.nextRunAt) : '—'}`,
    ]),
    section('*People*'),
    fields([`*Operators*\n${people(a.operators)}`, `*Approvers*\n${people(a.approvers)}`]),
    divider(),
    section(
      a.lastRun
        ? `*Last run* ${slackDate(a.lastRun.startedAt)} · ${esc(a.lastRun.status)} · \`${esc(a.lastRun.id)}\`${a.lastRun.summaryLine ? `\n${esc(clip(a.lastRun.summaryLine, 500))}` : ''}`
        : '*Last run*\nNo run yet.',
    ),
  );
  if (operator) {
    blocks.push(
      actions('mb_home_edit', [
        button('Targets', ACTION_IDS.editTargets, { value: a.agentId }),
        button('Schedule', ACTION_IDS.editSchedule, { value: a.agentId }),
        button('People', ACTION_IDS.editPeople, { value: a.agentId }),
        button('Execution', ACTION_IDS.editExecution, { value: a.agentId }),
        a.halted
          ? button('Resume agent', ACTION_IDS.resume, { value: a.agentId, style: 'primary' })
          : button('Pause agent', ACTION_IDS.pause, { value: a.agentId, style: 'danger' }),
      ]),
    );
  } else {
    blocks.push(
      context(
        `Only operators can change these settings or pause the agent${a.operators.length > 0 ? `: ${people(a.operators)}` : ''}.`,
      ),
    );
  }
  return blocks;
}

function tokenLine(token: HomeAgentView['token']): string {
  if (!token.expiresAt) return 'does not expire';
  if (token.daysLeft !== null && token.daysLeft <= 0)
    return `:warning: expired ${slackDate(token.expiresAt, '{date_short}')}`;
  const warn = token.daysLeft !== null && token.daysLeft <= 7 ? ':warning: ' : '';
  return `${warn}expires ${slackDate(token.expiresAt, '{date_short}')}${token.daysLeft !== null ? ` (${token.daysLeft} d)` : ''}`;
}

function intervalLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${Math.round(seconds / 60)} min`;
}

function people(ids: readonly string[]): string {
  if (ids.length === 0) return 'nobody yet';
  const shown = ids.slice(0, 20).map(mention).join(', ');
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
}

function channelRef(target: string): string {
  const id = /^(?:channel:)?([CG][A-Z0-9]+)$/.exec(target)?.[1];
  return id ? `<#${id}>` : esc(target);
}
