import { describe, expect, it } from 'vitest';
import { renderConfirmModal } from '../../../src/slack/blocks/confirm-modal.js';
import { type FollowupMessageView, renderFollowup } from '../../../src/slack/blocks/followup.js';
import { ACTION_IDS, parseLogIdValue, parseModalMetadata } from '../../../src/slack/blocks/ids.js';
import { assertValidMessage, assertValidView } from '../../support/slack/block-kit.js';

const LOG_ID = 'log_01M7WQHDC075P4W7WGHVH679RX';

const hurt: FollowupMessageView = {
  label: 'A1 pause ad set <Broad> & US',
  summary: {
    horizon: '72h',
    verdict: 'hurt',
    reason: null,
    metric: 'cpa',
    basis: 'did',
    subjectRole: 'parent',
    change: 0.183,
    interval: { low: 0.061, high: 0.312 },
    moneyMinor: -24_012,
  },
  currency: 'USD',
  before: ['2026-11-13', '2026-11-19'],
  after: ['2026-11-21', '2026-11-22'],
  peers: 3,
  account: { change: 0.04, metric: 'cpa' },
  rollbackLogId: LOG_ID,
};

describe('follow-up message', () => {
  it('says the verdict in one line, with interval and money, and offers Roll back when it hurt', () => {
    const msg = renderFollowup(hurt);
    assertValidMessage(msg);
    expect(msg.text).toBe(
      'A1 pause ad set <Broad> & US: hurt at 72 h — parent CPA +18 % (interval +6 %…+31 %) vs peers, ≈ $240 lost',
    );
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('&lt;Broad&gt; &amp; US');
    expect(json).toContain('3 untouched peers');
    expect(json).toContain('account CPA +4 % vs before');
    const button = (msg.blocks.at(-1) as unknown as { elements: Array<{ action_id: string; value: string }> })
      .elements[0]!;
    expect(button).toMatchObject({ action_id: ACTION_IDS.rollbackWrite, value: LOG_ID });
    expect(parseLogIdValue(button.value)).toBe(LOG_ID);
  });

  it('has no button when the write cannot be rolled back, and speaks the account currency', () => {
    const msg = renderFollowup({
      ...hurt,
      currency: 'JPY',
      summary: {
        ...hurt.summary,
        verdict: 'helped',
        change: -0.3,
        interval: { low: -0.4, high: -0.2 },
        moneyMinor: 52_000,
      },
      rollbackLogId: null,
      account: null,
    });
    assertValidMessage(msg);
    expect(msg.text).toContain('≈ ¥52,000 gained');
    expect(JSON.stringify(msg.blocks)).not.toContain(ACTION_IDS.rollbackWrite);
  });

  it('refuses a Roll back button value that is not a logged write id', () => {
    expect(parseLogIdValue('plan_01:A1')).toBeNull();
    expect(parseLogIdValue(42)).toBeNull();
  });

  it('carries the one write into the rollback modal and back', () => {
    const view = renderConfirmModal({
      kind: 'rollback',
      agentId: 'agent_01M7WQHDC075P4W7WGHVH679RX',
      planId: null,
      adAccountId: 'act_1',
      accountName: 'Store',
      environment: 'sandbox',
      currency: 'USD',
      items: [
        {
          key: 'A1',
          entity: { level: 'adset', id: '11', name: 'Broad US' },
          change: { type: 'set_status', from: 'PAUSED', to: 'ACTIVE' },
        },
      ],
      logIds: [LOG_ID],
    });
    assertValidView(view);
    expect(parseModalMetadata(view.private_metadata)).toMatchObject({ kind: 'rollback', logIds: [LOG_ID] });
  });
});
