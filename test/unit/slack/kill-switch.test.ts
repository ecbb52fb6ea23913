import { describe, expect, it } from 'vitest';
import { renderHome } from '../../../src/slack/blocks/home.js';
import { renderKillSwitch } from '../../../src/slack/blocks/kill-switch.js';
import { assertValidMessage, assertValidView } from '../../support/slack/block-kit.js';
import { homeAgent } from './views.js';

describe('the kill-switch message', () => {
  it('says what tripped, that the agent is halted and how to resume, in valid Block Kit', () => {
    const msg = renderKillSwitch({
      adAccountId: 'act_1000000001',
      trips: [
        { kind: 'spend_pace', reason: 'Spend today is $2,000.00 after 10.0 hours of the account day' },
        {
          kind: 'flapping',
          reason: 'Someone else undid a write: <!channel> & Broad (daily budget back to 15000)',
        },
      ],
      at: '2026-11-20T15:00:00Z',
      planId: 'plan_01JZ0000000000000000000000',
    });
    assertValidMessage(msg);
    expect(msg.text).toBe(
      'Kill switch tripped on act_1000000001: Spend far above its usual pace; Someone else is undoing our writes. The agent is halted until an operator resumes it.',
    );
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Pending approvals have expired and the approval queue is closed.');
    expect(all).toContain('metabuyer resume-agent --ad-account act_1000000001');
    // Names from Meta cannot ping a channel.
    expect(all).not.toContain('<!channel>');
  });

  it('stays under Slack limits with many long reasons', () => {
    const trips = Array.from({ length: 20 }, (_, i) => ({
      kind: 'write_failures',
      reason: `${i} ${'x'.repeat(4_000)}`,
    }));
    const msg = renderKillSwitch({ adAccountId: 'act_1', trips, at: '2026-11-20T15:00:00Z', planId: null });
    assertValidMessage(msg);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
  });

  it('App Home shows the agent halted by the kill switch, why, and that polls still report', () => {
    const view = renderHome({
      viewer: { userId: 'U0OPERATOR', isOperator: true, isApprover: false },
      agent: homeAgent({
        halted: {
          reason: 'Kill switch: Spend today is $2,000.00 after 10.0 hours of the account day',
          by: 'worker:kill-switch',
          at: '2026-11-20T15:00:00Z',
        },
      }),
    });
    assertValidView(view);
    const text = JSON.stringify((view as { blocks: unknown[] }).blocks);
    expect(text).toContain(':octagonal_sign: *Halted by the kill switch*');
    expect(text).toContain('Kill switch: Spend today is $2,000.00 after 10.0 hours');
    expect(text).toContain('Polls still report; no plans and no writes until an operator resumes.');
  });
});
