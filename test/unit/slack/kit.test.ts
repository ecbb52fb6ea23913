import { describe, expect, it } from 'vitest';
import { adsManagerUrl, entityLink } from '../../../src/slack/blocks/format.js';
import { esc, mention, slackDate } from '../../../src/slack/blocks/kit.js';
import { clip } from '../../../src/slack/blocks/limits.js';

describe('mrkdwn escaping and clipping', () => {
  it('escapes &, < and > as Slack requires', () => {
    expect(esc('a & b <!here> c > d')).toBe('a &amp; b &lt;!here&gt; c &gt; d');
  });

  it('clips to the limit with an ellipsis, never splitting an escaped entity or a surrogate pair', () => {
    expect(clip('abcdef', 10)).toBe('abcdef');
    expect(clip('abcdef', 4)).toBe('abc…');
    const escaped = esc('ab&cd');
    expect(escaped).toBe('ab&amp;cd');
    for (let max = 2; max < escaped.length; max++) {
      const out = clip(escaped, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).toMatch(/^(ab|ab&amp;c?|a)?…$/);
    }
    const emoji = clip('ab😀cd', 4);
    expect(emoji).toBe('ab…');
  });

  it('mentions only real user ids; anything else is escaped text', () => {
    expect(mention('U0ANA')).toBe('<@U0ANA>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('writes times as <!date^…> with a fallback rebuilt from the parsed time', () => {
    expect(slackDate('2026-12-01T10:00:00.000Z')).toBe(
      `<!date^${Date.parse('2026-12-01T10:00:00Z') / 1000}^{date_short_pretty} {time}|2026-12-01T10:00:00Z>`,
    );
    expect(slackDate('not a <date>')).toBe('not a &lt;date&gt;');
  });
});

describe('Ads Manager links', () => {
  it('points at the object in its level’s tab, and only for Meta ids', () => {
    expect(adsManagerUrl('act_42', { level: 'campaign', id: '7' })).toBe(
      'https://adsmanager.facebook.com/adsmanager/manage/campaigns?act=42&selected_campaign_ids=7',
    );
    expect(adsManagerUrl('act_42', { level: 'ad', id: '9' })).toBe(
      'https://adsmanager.facebook.com/adsmanager/manage/ads?act=42&selected_ad_ids=9',
    );
    expect(adsManagerUrl('act_42', { level: 'adset', id: '1|evil' })).toBeNull();
    expect(adsManagerUrl('evil', { level: 'adset', id: '1' })).toBeNull();
    expect(entityLink('act_42', { level: 'adset', id: 'x', name: '<b>' })).toBe('&lt;b&gt;');
  });
});
