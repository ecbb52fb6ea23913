import { describe, expect, it } from 'vitest';
import type { ExecuteResult } from '../../../src/ops/execute.js';
import type { RollbackResult } from '../../../src/ops/rollback.js';
import { renderResults } from '../../../src/slack/blocks/results.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';

const execute: ExecuteResult = {
  kind: 'execute',
  adAccountId: 'act_1000000001',
  currency: 'USD',
  planId: 'plan_01JZ0000000000000000000000',
  confirmationId: 'conf_01JZ0000000000000000000000',
  environment: 'sandbox',
  applied: 1,
  skipped: 1,
  failed: 0,
  unknown: 0,
  skippedBy: { stale: 1 },
  results: [
    {
      key: 'A1',
      outcome: 'applied',
      reason: null,
      type: 'set_status',
      level: 'adset',
      entityId: '11',
      entityName: 'Prospecting <!channel> & co',
      from: 'ACTIVE',
      to: 'PAUSED',
    },
    {
      key: 'A2',
      outcome: 'skipped',
      reason: 'stale: budget changed in Ads Manager',
      type: 'set_budget',
      level: 'campaign',
      entityId: '12',
      entityName: 'Retargeting',
      from: 5000,
      to: 6000,
    },
  ],
};

describe('the results message', () => {
  it('says what was applied, what was skipped and why, in valid Block Kit', () => {
    const m = renderResults(execute, 'alice');
    expect(m.text).toBe('Executed in sandbox by alice: 1 applied, 1 skipped (stale 1), 0 failed.');
    const body = JSON.stringify(m.blocks);
    expect(body).toContain('Retargeting');
    expect(body).toContain('stale: budget changed in Ads Manager');
    assertValidMessage(m);
  });

  it('escapes names so an ad set name cannot ping a channel', () => {
    const body = JSON.stringify(renderResults(execute, 'alice').blocks);
    expect(body).not.toContain('<!channel>');
    expect(body).toContain('&lt;!channel&gt; &amp; co');
  });

  it('lists at most 30 actions and counts the rest, staying valid', () => {
    const many: ExecuteResult = {
      ...execute,
      applied: 45,
      skipped: 0,
      skippedBy: {},
      results: Array.from({ length: 45 }, (_, i) => ({ ...execute.results[0]!, key: `A${i + 1}` })),
    };
    const m = renderResults(many, 'bob');
    expect(JSON.stringify(m.blocks)).toContain('…and 15 more');
    assertValidMessage(m);
  });

  it('summarises a rollback', () => {
    const rb: RollbackResult = {
      kind: 'rollback',
      adAccountId: 'act_1000000001',
      currency: 'USD',
      confirmationId: 'conf_01JZ0000000000000000000001',
      windowHours: 72,
      rolled_back: 2,
      refused: 0,
      failed: 0,
      results: [],
      outsideWindow: 0,
      alreadyRolledBack: 0,
    };
    expect(renderResults(rb, 'carol').text).toBe('Rolled back by carol: 2 rolled back, 0 refused, 0 failed.');
  });
});
