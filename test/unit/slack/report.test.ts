import { describe, expect, it } from 'vitest';
import { percentChange, sparkline } from '../../../src/slack/blocks/format.js';
import { blockTextChars, guardMessage, LIMITS, type SlackMessage } from '../../../src/slack/blocks/limits.js';
import { renderReport } from '../../../src/slack/blocks/report.js';
import { assertValidMessage } from '../../support/slack/block-kit.js';
import { recommendation, report } from './views.js';

const all = (m: SlackMessage) => JSON.stringify(m.blocks);

describe('the run report in Block Kit', () => {
  it('shows spend, purchases, CPA and ROAS in the account currency with the change vs the previous window', () => {
    const [msg] = renderReport(report());
    assertValidMessage(msg!);
    const text = all(msg!);
    expect(text).toContain('$2,843.19 (▲ +14 %)');
    expect(text).toContain('*Purchases*\\n19 (▼ −5 %)');
    expect(text).toContain('$149.64 (▲ +20 %)');
    expect(text).toContain('1.21 (▼ −6.9 %)');
    expect(msg!.text).toBe(
      'MetaBuyer report for Demo Store: spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21 — 1 high · 1 medium · 1 low',
    );
  });

  it('formats money per currency, in Meta’s minor units (JPY has none)', () => {
    const [msg] = renderReport(
      report({
        currency: 'JPY',
        current: { spend: 200_000, purchases: 0, cpa: null, roas: null },
        previous: null,
      }),
    );
    expect(all(msg!)).toContain('¥200,000');
    expect(all(msg!)).toContain('*CPA*\\nn/a');
  });

  it('draws the 14-day spend as a sparkline', () => {
    const [msg] = renderReport(report());
    expect(all(msg!)).toContain('Spend, last 14 days: `▁▂▁▃▅▄▃▅▆▆▄▅▇█`');
  });

  it('lists the top recommendations by severity with their evidence sentence and an Ads Manager link', () => {
    const [msg] = renderReport(report());
    const text = all(msg!);
    expect(text.indexOf(':red_circle: High')).toBeLessThan(text.indexOf(':large_orange_circle: Medium'));
    expect(text).toContain(
      '<https://adsmanager.facebook.com/adsmanager/manage/adsets?act=1000000001&selected_adset_ids=2000000000|Prospecting 0>',
    );
    expect(text).toContain('above the $120 target with 90 % confidence (12 purchases).');
    expect(text).toContain('action *A1*');
  });

  it('shows a banner for a halted agent, broken tracking, stale data and an expiring token', () => {
    const [msg] = renderReport(
      report({
        banners: {
          halted: { reason: 'Black Friday freeze', by: 'U0OPERATOR', at: '2026-12-01T08:00:00Z' },
          trackingBroken: 'No purchases for 2 days after 41 a day.',
          staleData: { lastSuccessAt: '2026-11-30T09:00:00Z', ageHours: 24 },
          tokenExpiry: { expiresAt: '2026-12-04T00:00:00Z', daysLeft: 3 },
        },
      }),
    );
    assertValidMessage(msg!);
    const text = all(msg!);
    expect(text).toContain('*Agent halted* by <@U0OPERATOR>');
    expect(text).toContain('Black Friday freeze');
    expect(text).toContain('*Tracking looks broken* — No purchases for 2 days');
    expect(text).toContain('*Stale data*');
    expect(text).toContain('*Meta token expires in 3 days*');
    expect(msg!.text).toContain('(agent halted)');
  });

  it('escapes names from Meta so they cannot ping a channel or forge a link', () => {
    const [msg] = renderReport(
      report({
        accountName: 'Shop & Co',
        recommendations: [
          recommendation(0, {
            entity: { level: 'ad', id: '1', name: '<!channel> <https://evil.test|click> & co' },
          }),
        ],
      }),
    );
    assertValidMessage(msg!);
    const text = all(msg!);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.test');
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.test|click&gt; &amp; co');
  });

  it('says so when nothing needs attention', () => {
    const [msg, ...rest] = renderReport(report({ recommendations: [] }));
    assertValidMessage(msg!);
    expect(rest).toEqual([]);
    expect(all(msg!)).toContain('Nothing needs attention');
  });

  it('splits 500 recommendations over thread messages Slack accepts, and counts the ones it cannot list', () => {
    const recs = Array.from({ length: 500 }, (_, i) => recommendation(i));
    const messages = renderReport(report({ recommendations: recs }));
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(5);
    for (const m of messages) {
      assertValidMessage(m);
      expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
      expect(blockTextChars(m.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockChars);
    }
    const listed = messages.reduce(
      (n, m) => n + (all(m).match(/:(red|large_orange|white)_circle:/g)?.length ?? 0),
      0,
    );
    const unlisted = Number(/(\d+) more not listed/.exec(all(messages.at(-1)!))?.[1]);
    expect(listed + unlisted).toBe(500);
    expect(all(messages[0]!)).toContain('167 high · 167 medium · 166 low');
    // The report message lists the most severe first: with 167 high findings, only high ones.
    expect(all(messages[0]!)).toContain(':red_circle: High');
    expect(all(messages[0]!)).not.toMatch(/:(large_orange|white)_circle:/);
    expect(all(messages[0]!)).toContain('metabuyer run-now --json');
  });

  it('keeps a message within limits even with absurdly long names and sentences', () => {
    const recs = Array.from({ length: 40 }, (_, i) =>
      recommendation(i, {
        entity: { level: 'campaign', id: String(i + 1), name: '&'.repeat(2000) },
        sentence: '<x>'.repeat(2000),
      }),
    );
    const messages = renderReport(
      report({
        accountName: 'N'.repeat(500),
        recommendations: recs,
        banners: { halted: { reason: 'r'.repeat(5000), by: null, at: null } },
      }),
    );
    for (const m of messages) assertValidMessage(m);
  });
});

describe('the sparkline and the change', () => {
  it('maps the lowest day to ▁ and the highest to █, a flat series to mid height, a gap to a space', () => {
    expect(sparkline([0, 7, 14])).toBe('▁▅█');
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([1, null, 3])).toBe('▁ █');
    expect(sparkline([])).toBe('');
  });

  it('says ▲/▼ with a percent, "new" from zero, and nothing without a previous window', () => {
    expect(percentChange(120, 100)).toBe('▲ +20 %');
    expect(percentChange(95, 100)).toBe('▼ −5 %');
    expect(percentChange(5, 0)).toBe('new');
    expect(percentChange(100, 100)).toBe('±0 %');
    expect(percentChange(100, null)).toBe('');
  });
});

describe('the guard before sending', () => {
  it('shortens a message that breaks the limits instead of letting Slack refuse it', () => {
    const blocks = Array.from({ length: 70 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `line ${i} ${'x'.repeat(400)}` },
    }));
    const { message, trimmed } = guardMessage({ text: 'long', blocks });
    expect(trimmed.length).toBeGreaterThan(0);
    assertValidMessage(message);
    expect(JSON.stringify(message.blocks.at(-1))).toMatch(/more block\(s\) left out/);
  });

  it('leaves a message that fits untouched', () => {
    const [msg] = renderReport(report());
    expect(guardMessage(msg!)).toEqual({ message: msg, trimmed: [] });
  });
});

describe('rules still in shadow', () => {
  it('names each rule in shadow and why in a context block, within the schema', () => {
    const [msg] = renderReport(
      report({
        shadow: [
          { rule: 'high_cpa', reason: 'needs backtest precision ≥ 70 % on this account; not measured yet' },
          {
            rule: 'scale_winner',
            reason: 'needs backtest precision ≥ 99 %; measured 100 % (interval 96–100 %) on 98 verdicts',
          },
        ],
      }),
    );
    assertValidMessage(msg!);
    const block = msg!.blocks.find((b) => JSON.stringify(b).includes('In shadow')) as unknown as {
      type: string;
      elements: Array<{ text: string }>;
    };
    expect(block.type).toBe('context');
    expect(block.elements.map((e) => e.text)).toEqual([
      ':ghost: *In shadow* — these rules recommend but plan nothing:',
      '`high_cpa` — needs backtest precision ≥ 70 % on this account; not measured yet',
      '`scale_winner` — needs backtest precision ≥ 99 %; measured 100 % (interval 96–100 %) on 98 verdicts',
    ]);
  });

  it('counts the rules beyond what one context block holds, and says nothing when no rule is in shadow', () => {
    const shadow = Array.from({ length: 11 }, (_, i) => ({ rule: `rule_${i}`, reason: 'x'.repeat(400) }));
    const [msg] = renderReport(report({ shadow }));
    assertValidMessage(msg!);
    const block = msg!.blocks.find((b) => JSON.stringify(b).includes('In shadow')) as unknown as {
      elements: Array<{ text: string }>;
    };
    expect(block.elements).toHaveLength(10);
    expect(block.elements.at(-1)!.text).toBe('and 3 more rules in shadow');
    expect(JSON.stringify(renderReport(report())[0]!.blocks)).not.toContain('In shadow');
  });
});
