import { describe, expect, it } from 'vitest';
import { renderOutcome, slackLink } from '../../../src/http/meta-oauth-callback.js';

describe('the callback pages', () => {
  it('escape every value they print', () => {
    const page = renderOutcome({
      ok: true,
      teamId: 'T0TEAM',
      userId: 'U0USER01',
      channelId: 'C0CHAN"><script>',
      metaUserId: '1',
      accounts: [
        { adAccountId: 'act_1', name: '<script>alert(1)</script>', currency: 'USD', timezone: null },
      ],
      missingRecommended: [],
      tokenExpiresAt: '2027-01-19T15:00:00.000Z',
    });
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('name the missing permissions and link back to the channel the button was pressed in', () => {
    const page = renderOutcome({
      ok: false,
      problem: 'missing_permission',
      teamId: 'T0TEAM',
      userId: 'U0USER01',
      channelId: 'C0CHAN',
      missing: ['ads_management'],
    });
    expect(page.status).toBe(400);
    expect(page.html).toContain('<code>ads_management</code>');
    expect(page.html).toContain('href="https://slack.com/app_redirect?team=T0TEAM&amp;channel=C0CHAN"');
  });

  it('fall back to the workspace, or to no link when the state was never recognised', () => {
    expect(slackLink('T0TEAM', null)).toBe('slack://open?team=T0TEAM');
    expect(slackLink(null, null)).toBeNull();
    const page = renderOutcome({
      ok: false,
      problem: 'state_unknown',
      teamId: null,
      userId: null,
      channelId: null,
    });
    expect(page.html).not.toContain('href=');
    expect(page.html).toContain('close this tab');
  });
});
