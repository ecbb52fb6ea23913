import { describe, expect, it } from 'vitest';
import {
  CONFIRM_ACTION_ID,
  CONFIRM_BLOCK_ID,
  renderConfirmModal,
  validateConfirmSubmission,
} from '../../../src/slack/blocks/confirm-modal.js';
import {
  EDIT_BLOCKS,
  renderExecutionModal,
  renderPeopleModal,
  renderScheduleModal,
  renderTargetsModal,
  validateExecution,
  validatePeople,
  validateSchedule,
  validateTargets,
} from '../../../src/slack/blocks/edit-modals.js';
import { renderHome } from '../../../src/slack/blocks/home.js';
import { ACTION_IDS, parseModalMetadata } from '../../../src/slack/blocks/ids.js';
import {
  REJECT_REASON_ACTION_ID,
  REJECT_REASON_BLOCK_ID,
  renderRejectModal,
  validateRejectSubmission,
} from '../../../src/slack/blocks/reject-modal.js';
import type { ConfirmView } from '../../../src/slack/blocks/types.js';
import { assertValidView } from '../../support/slack/block-kit.js';
import { ACCOUNT, homeAgent } from './views.js';

// biome-ignore lint/suspicious/noExplicitAny: view JSON is checked by the assertions
type Json = any;

function confirmView(over: Partial<ConfirmView> = {}): ConfirmView {
  return {
    kind: 'execute',
    agentId: 'agt_01JDEMO',
    planId: 'pln_01JDEMO',
    adAccountId: ACCOUNT,
    accountName: 'Demo & Co',
    environment: 'live',
    currency: 'EUR',
    items: [
      {
        key: 'A1',
        entity: { level: 'adset', id: '2000000001', name: 'Retargeting <EU>' },
        change: { type: 'update_daily_budget', from: 15_000, to: 12_000 },
      },
      {
        key: 'A3',
        entity: { level: 'ad', id: '3000000003', name: 'Video' },
        change: { type: 'set_status', from: 'ACTIVE', to: 'PAUSED' },
      },
    ],
    ...over,
  };
}

const typed = (word: string | null) => ({
  [CONFIRM_BLOCK_ID]: { [CONFIRM_ACTION_ID]: { type: 'plain_text_input', value: word } },
});

describe('the confirmation modal', () => {
  it('lists exactly what will be written, where, and asks for the environment word', () => {
    const view: Json = renderConfirmModal(confirmView());
    assertValidView(view);
    const text = JSON.stringify(view.blocks);
    expect(view.title.text).toBe('Execute actions');
    expect(text).toContain('Account *Demo &amp; Co* (`act_1000000001`), environment *live*');
    expect(text).toContain(
      '*A1* ad set <https://adsmanager.facebook.com/adsmanager/manage/adsets?act=1000000001&selected_adset_ids=2000000001|Retargeting &lt;EU&gt;>: daily budget €150.00 → €120.00',
    );
    expect(text).toContain(
      '*A3* ad <https://adsmanager.facebook.com/adsmanager/manage/ads?act=1000000001&selected_ad_ids=3000000003|Video>: status ACTIVE → PAUSED',
    );
    const input = view.blocks.find((b: Json) => b.type === 'input');
    expect(input).toMatchObject({ block_id: CONFIRM_BLOCK_ID, label: { text: 'Type live to confirm' } });
    expect(input.element).toMatchObject({ type: 'plain_text_input', action_id: CONFIRM_ACTION_ID });
  });

  it('carries only ids in private_metadata', () => {
    const view: Json = renderConfirmModal(confirmView({ kind: 'rollback', planId: null }));
    assertValidView(view);
    expect(parseModalMetadata(view.private_metadata)).toEqual({
      agentId: 'agt_01JDEMO',
      planId: null,
      kind: 'rollback',
    });
    expect(view.title.text).toBe('Roll back writes');
    expect(parseModalMetadata('{"agentId":"a","planId":null,"kind":"drop tables"}')).toBeNull();
    expect(parseModalMetadata('not json')).toBeNull();
  });

  it('accepts only the exact environment word', () => {
    expect(validateConfirmSubmission(typed(' live '), 'live')).toEqual({ ok: true });
    for (const word of ['sandbox', 'Live', 'LIVE', 'yes']) {
      const verdict = validateConfirmSubmission(typed(word), 'live');
      expect(verdict).toEqual({
        ok: false,
        response: {
          response_action: 'errors',
          errors: {
            [CONFIRM_BLOCK_ID]: `"${word}" does not match: this connection is live. Type live to confirm.`,
          },
        },
      });
    }
    expect(validateConfirmSubmission(typed(null), 'sandbox')).toMatchObject({
      ok: false,
      response: { errors: { [CONFIRM_BLOCK_ID]: 'Type sandbox to confirm.' } },
    });
    expect(validateConfirmSubmission({}, 'sandbox').ok).toBe(false);
  });

  it('stays within the modal limits with hundreds of actions and long names', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      key: `A${i + 1}`,
      entity: { level: 'adset' as const, id: String(i + 1), name: '<'.repeat(500) },
      change: { type: 'update_daily_budget' as const, from: 1000 + i, to: 900 + i },
    }));
    const view: Json = renderConfirmModal(confirmView({ items }));
    assertValidView(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view.blocks)).toContain('…and 100 more.');
  });
});

describe('the App Home tab', () => {
  it('explains how to connect when there is no agent yet', () => {
    const view: Json = renderHome({
      viewer: { userId: 'U0NEW', isOperator: false, isApprover: false },
      agent: null,
    });
    assertValidView(view);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('No ad account is connected yet');
    expect(text).toContain('npx metabuyer connect');
    expect(view.blocks.some((b: Json) => b.type === 'actions')).toBe(false);
  });

  it('shows connection, targets, window, schedule, execution, people and the last run', () => {
    const view: Json = renderHome({
      viewer: { userId: 'U0APPROVER', isOperator: false, isApprover: true },
      agent: homeAgent(),
    });
    assertValidView(view);
    const text = JSON.stringify(view.blocks);
    for (const fact of [
      '*Ad account*\\nDemo Store (`act_1000000001`)',
      '*Environment*\\nlive',
      '*Token*\\nexpires <!date^',
      '*Target CPA*\\n$120.00',
      '*Target ROAS*\\n1.80',
      '*Max frequency*\\n3.5',
      '*Window*\\nlast_7d',
      '*Attribution*\\n7d_click',
      '*Every*\\n6 h',
      '*Next run*\\n<!date^',
      '*Execution*\\ndisabled: nothing is written',
      '*Operators*\\n<@U0OPERATOR>',
      '*Approvers*\\n<@U0APPROVER>, <@U0OPERATOR>',
      'spend $2,843.19 | purchases 19',
      'reports in <#C0REPORTS1>',
    ]) {
      expect(text).toContain(fact);
    }
  });

  it('gives operators the edit and pause buttons, and everyone else none', () => {
    const forOperator: Json = renderHome({
      viewer: { userId: 'U0OPERATOR', isOperator: true, isApprover: true },
      agent: homeAgent(),
    });
    assertValidView(forOperator);
    const ids = forOperator.blocks
      .filter((b: Json) => b.type === 'actions')
      .flatMap((b: Json) => b.elements.map((e: Json) => e.action_id));
    expect(ids).toEqual([
      ACTION_IDS.editTargets,
      ACTION_IDS.editSchedule,
      ACTION_IDS.editPeople,
      ACTION_IDS.editExecution,
      ACTION_IDS.pause,
    ]);

    const forApprover: Json = renderHome({
      viewer: { userId: 'U0APPROVER', isOperator: false, isApprover: true },
      agent: homeAgent(),
    });
    expect(forApprover.blocks.some((b: Json) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(forApprover.blocks)).toContain('Only operators can change these settings');
  });

  it('shows a halted agent with its reason, and offers operators Resume instead of Pause', () => {
    const view: Json = renderHome({
      viewer: { userId: 'U0OPERATOR', isOperator: true, isApprover: false },
      agent: homeAgent({
        halted: { reason: 'Budget <freeze>', by: 'U0OPERATOR', at: '2026-12-01T08:00:00Z' },
        token: { expiresAt: '2026-11-30T00:00:00Z', daysLeft: -1 },
      }),
    });
    assertValidView(view);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(':octagonal_sign: *Halted* by <@U0OPERATOR>');
    expect(text).toContain('Budget &lt;freeze&gt;');
    expect(text).toContain(':warning: expired');
    expect(text).toContain('*Next run*\\n—');
    const last = view.blocks.filter((b: Json) => b.type === 'actions').at(-1);
    expect(last.elements.at(-1)).toMatchObject({ action_id: ACTION_IDS.resume, style: 'primary' });
  });
});

describe('the App Home edit modals', () => {
  const agent = homeAgent();

  it('all render as valid modals prefilled with the current settings', () => {
    const targets: Json = renderTargetsModal(agent);
    const schedule: Json = renderScheduleModal(agent);
    for (const v of [targets, schedule, renderPeopleModal(agent), renderExecutionModal(agent)])
      assertValidView(v);
    expect(JSON.stringify(targets.blocks)).toContain('"initial_value":"120.00"');
    expect(JSON.stringify(schedule.blocks)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"6 h"},"value":"21600"}',
    );
  });

  it('turns typed targets into minor units, and explains a wrong value beside its field', () => {
    const values = (cpa: string, roas: string) => ({
      [EDIT_BLOCKS.targetCpa]: { value: { type: 'plain_text_input', value: cpa } },
      [EDIT_BLOCKS.targetRoas]: { value: { type: 'plain_text_input', value: roas } },
    });
    expect(validateTargets(values('119.50', '1.8'), 'USD')).toEqual({
      ok: true,
      value: { targetCpaMinor: 11_950, targetRoas: 1.8 },
    });
    expect(validateTargets(values('1,500', ''), 'JPY')).toEqual({
      ok: true,
      value: { targetCpaMinor: 1500, targetRoas: null },
    });
    expect(validateTargets(values('cheap', '-1'), 'USD')).toEqual({
      ok: false,
      response: {
        response_action: 'errors',
        errors: {
          [EDIT_BLOCKS.targetCpa]: 'Write an amount of USD, like 120 or 119.50.',
          [EDIT_BLOCKS.targetRoas]: 'Write a ROAS above 0, like 1.8.',
        },
      },
    });
    expect(validateTargets(values('0', ''), 'USD')).toMatchObject({ ok: false });
  });

  it('accepts only schedule options it offered', () => {
    const pick = (interval: string, preset: string, attribution: string) => ({
      [EDIT_BLOCKS.interval]: { value: { selected_option: { value: interval } } },
      [EDIT_BLOCKS.datePreset]: { value: { selected_option: { value: preset } } },
      [EDIT_BLOCKS.attribution]: { value: { selected_option: { value: attribution } } },
    });
    expect(validateSchedule(pick('7200', 'last_14d', '1d_click'))).toEqual({
      ok: true,
      value: { intervalSeconds: 7200, datePreset: 'last_14d', attributionWindow: '1d_click' },
    });
    const bad = validateSchedule(pick('60', 'forever', '28d_click'));
    expect(bad.ok).toBe(false);
    expect(Object.keys((bad as Json).response.errors).sort()).toEqual(
      [EDIT_BLOCKS.attribution, EDIT_BLOCKS.datePreset, EDIT_BLOCKS.interval].sort(),
    );
  });

  it('refuses to leave the agent without an operator', () => {
    const people = (ops: string[], approvers: string[]) => ({
      [EDIT_BLOCKS.operators]: { value: { selected_users: ops } },
      [EDIT_BLOCKS.approvers]: { value: { selected_users: approvers } },
    });
    expect(validatePeople(people(['U0A', 'U0A'], ['U0B']))).toEqual({
      ok: true,
      value: { operators: ['U0A'], approvers: ['U0B'] },
    });
    expect(validatePeople(people([], ['U0B']))).toMatchObject({
      ok: false,
      response: { errors: { [EDIT_BLOCKS.operators]: expect.stringContaining('at least one operator') } },
    });
  });

  it('reads the execution switch', () => {
    const choose = (v: string | undefined) => ({
      [EDIT_BLOCKS.execution]: { value: { selected_option: v ? { value: v } : null } },
    });
    expect(validateExecution(choose('enabled'))).toEqual({ ok: true, value: { executionEnabled: true } });
    expect(validateExecution(choose('disabled'))).toEqual({ ok: true, value: { executionEnabled: false } });
    expect(validateExecution(choose(undefined)).ok).toBe(false);
  });
});

describe('the reject-reason modal', () => {
  const view: Json = renderRejectModal({
    agentId: 'agt_01JDEMO',
    planId: 'pln_01JDEMO',
    adAccountId: ACCOUNT,
    currency: 'USD',
    action: {
      key: 'A2',
      entity: { level: 'ad', id: '3000000002', name: 'Carousel <v2>' },
      change: { type: 'set_status', from: 'ACTIVE', to: 'PAUSED' },
    },
  });

  it('names the action and carries the plan, agent and key only', () => {
    assertValidView(view);
    expect(view.title.text).toBe('Reject A2');
    expect(JSON.stringify(view.blocks)).toContain('Carousel &lt;v2&gt;>\\nstatus ACTIVE → PAUSED');
    expect(parseModalMetadata(view.private_metadata)).toEqual({
      agentId: 'agt_01JDEMO',
      planId: 'pln_01JDEMO',
      kind: 'reject',
      key: 'A2',
    });
  });

  it('keeps the reason trimmed, treats an empty one as none, and refuses an over-long one', () => {
    const reason = (value: string | null) => ({
      [REJECT_REASON_BLOCK_ID]: { [REJECT_REASON_ACTION_ID]: { type: 'plain_text_input', value } },
    });
    expect(validateRejectSubmission(reason('  too early to judge \n'))).toEqual({
      ok: true,
      reason: 'too early to judge',
    });
    expect(validateRejectSubmission(reason(null))).toEqual({ ok: true, reason: null });
    expect(validateRejectSubmission(reason('x'.repeat(501)))).toMatchObject({
      ok: false,
      response: { response_action: 'errors', errors: { [REJECT_REASON_BLOCK_ID]: expect.any(String) } },
    });
  });
});
