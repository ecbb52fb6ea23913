import { describe, expect, it } from 'vitest';
import { queuePageOf, renderApprovalQueue } from '../../../src/slack/blocks/approval-queue.js';
import { ACTION_IDS, parseActionButtonValue } from '../../../src/slack/blocks/ids.js';
import type { Block } from '../../../src/slack/blocks/limits.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';
import { queue, queueAction } from './views.js';

// biome-ignore lint/suspicious/noExplicitAny: block JSON is checked by the assertions
type Json = any;

const buttonsOf = (blocks: Block[]): Json[] =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => (b as Json).elements);

describe('the approval queue in Block Kit', () => {
  it('shows each action with its key, linked entity, from → to, why and evidence grade', () => {
    const [msg] = renderApprovalQueue(queue());
    assertValidMessage(msg!);
    const text = JSON.stringify(msg!.blocks);
    expect(text).toContain(
      '*A1* · ad set <https://adsmanager.facebook.com/adsmanager/manage/adsets?act=1000000001&selected_adset_ids=2000000000|Prospecting 0>',
    );
    expect(text).toContain('daily budget $150.00 → $120.00');
    expect(text).toContain('status ACTIVE → PAUSED');
    expect(text).toContain('above the $120 target with 90 % confidence. _(90 % confidence bound)_');
    expect(text).toContain('Awaiting approval');
    expect(msg!.text).toBe('Approval queue for plan pln_01JDEMO: 2 proposed');
  });

  it('gives each undecided action Approve and Reject buttons that carry only the plan id and key', () => {
    const [msg] = renderApprovalQueue(queue());
    const buttons = buttonsOf(msg!.blocks);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION_IDS.approve, 'pln_01JDEMO:A1'],
      [ACTION_IDS.reject, 'pln_01JDEMO:A1'],
      [ACTION_IDS.approve, 'pln_01JDEMO:A2'],
      [ACTION_IDS.reject, 'pln_01JDEMO:A2'],
    ]);
    expect(parseActionButtonValue(buttons[0].value)).toEqual({ planId: 'pln_01JDEMO', key: 'A1' });
    expect(parseActionButtonValue('pln_01JDEMO:A1:xoxb-secret')).toBeNull();
    expect(parseActionButtonValue('anything')).toBeNull();
  });

  it('shows who approved or rejected and when, with the reason, and offers to undo', () => {
    const [msg] = renderApprovalQueue(
      queue({
        actions: [
          queueAction(0, { status: 'approved', decision: { by: 'U0APPROVER', at: '2026-12-01T10:00:00Z' } }),
          queueAction(1, {
            status: 'rejected',
            decision: { by: 'U0ANA', at: '2026-12-01T10:05:00Z', reason: 'too early <to> judge' },
          }),
        ],
      }),
    );
    assertValidMessage(msg!);
    const text = JSON.stringify(msg!.blocks);
    expect(text).toContain(
      `:white_check_mark: Approved by <@U0APPROVER> <!date^${Date.parse('2026-12-01T10:00:00Z') / 1000}^`,
    );
    expect(text).toContain(
      `:x: Rejected by <@U0ANA> <!date^${Date.parse('2026-12-01T10:05:00Z') / 1000}^{date_short_pretty} {time}|2026-12-01T10:05:00Z>: too early &lt;to&gt; judge`,
    );
    expect(buttonsOf(msg!.blocks).map((b) => `${b.action_id} ${b.value}`)).toEqual([
      `${ACTION_IDS.reject} pln_01JDEMO:A1`,
      `${ACTION_IDS.clear} pln_01JDEMO:A1`,
      `${ACTION_IDS.approve} pln_01JDEMO:A2`,
      `${ACTION_IDS.clear} pln_01JDEMO:A2`,
    ]);
  });

  it('removes the buttons of actions that were executed, and of actions that need no approval', () => {
    const [msg] = renderApprovalQueue(
      queue({
        actions: [
          queueAction(0, { status: 'applied', outcome: { at: '2026-12-01T11:00:00Z', detail: null } }),
          queueAction(1, { status: 'failed', outcome: { at: null, detail: 'Meta said (#100) invalid' } }),
          queueAction(2, { requiresApproval: false }),
        ],
      }),
    );
    assertValidMessage(msg!);
    expect(buttonsOf(msg!.blocks)).toEqual([]);
    const text = JSON.stringify(msg!.blocks);
    expect(text).toContain(':heavy_check_mark: Applied <!date^');
    expect(text).toContain(':warning: Failed: Meta said (#100) invalid');
    expect(text).toContain('Needs no approval');
  });

  it.each([
    ['superseded', /\*Superseded\* by <https:\/\/fake.slack.com\/archives\/C1\/p1|plan `pln_02NEW`>/],
    ['executed', /\*Executed\*/],
    ['expired', /\*Expired\* at <!date\^[^>]+> \(no action was written\)/],
  ] as const)('for a %s plan, removes every button and says why', (state, note) => {
    const messages = renderApprovalQueue(
      queue({ state, activePlan: { id: 'pln_02NEW', permalink: 'https://fake.slack.com/archives/C1/p1' } }),
    );
    for (const m of messages) {
      assertValidMessage(m);
      expect(buttonsOf(m.blocks)).toEqual([]);
    }
    expect(JSON.stringify(messages[0]!.blocks)).toMatch(note);
    expect(messages[0]!.text).toContain(`(${state})`);
  });

  it('keeps who approved and rejected when the plan closes, and says what was written before it expired', () => {
    const decided = [
      queueAction(0, { status: 'approved', decision: { by: 'U0ANA', at: '2026-12-01T10:00:00Z' } }),
      queueAction(1, {
        status: 'rejected',
        decision: { by: 'U0BEN', at: '2026-12-01T10:05:00Z', reason: 'too early' },
      }),
      queueAction(2),
    ];
    const [superseded] = renderApprovalQueue(
      queue({ state: 'superseded', actions: decided, activePlan: { id: 'pln_02NEW', permalink: null } }),
    );
    assertValidMessage(superseded!);
    const text = JSON.stringify(superseded!.blocks);
    expect(buttonsOf(superseded!.blocks)).toEqual([]);
    expect(text).toContain(':white_check_mark: Approved by <@U0ANA>');
    expect(text).toContain(':x: Rejected by <@U0BEN>');
    expect(text).toContain(':heavy_minus_sign: Not decided');
    expect(text).toContain('*Superseded* by plan `pln_02NEW`');

    const [expired] = renderApprovalQueue(
      queue({
        state: 'expired',
        actions: [queueAction(0, { status: 'applied', outcome: { at: null, detail: null } }), queueAction(1)],
      }),
    );
    assertValidMessage(expired!);
    expect(JSON.stringify(expired!.blocks)).toContain(
      '(1 of 2 actions had been written; nothing more will be)',
    );
  });

  it('splits a long plan over messages in order, and says which message holds an action', () => {
    const actions = Array.from({ length: 25 }, (_, i) =>
      queueAction(i, {
        entity: { level: 'ad', id: String(i + 1), name: `<b>${'n'.repeat(400)}` },
        why: 'w'.repeat(2000),
      }),
    );
    const messages = renderApprovalQueue(queue({ actions }));
    expect(messages).toHaveLength(3);
    for (const m of messages) assertValidMessage(m);
    expect(messages.map((m) => m.text)).toEqual([
      'Approval queue for plan pln_01JDEMO (1/3): 25 proposed',
      'Approval queue for plan pln_01JDEMO (2/3): 25 proposed',
      'Approval queue for plan pln_01JDEMO (3/3): 25 proposed',
    ]);
    expect(queuePageOf({ actions }, 'A11')).toBe(1);
    expect(JSON.stringify(messages[1]!.blocks)).toContain('*A11*');
    expect(queuePageOf({ actions }, 'A99')).toBe(-1);
  });

  it('renders an empty plan', () => {
    const [msg] = renderApprovalQueue(queue({ actions: [] }));
    assertValidMessage(msg!);
    expect(JSON.stringify(msg!.blocks)).toContain('no actions');
  });
});
