import { afterEach, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, type SimCall, startOpsHarness } from '../../support/ops-harness.js';
import { seedScenario } from '../../support/sim.js';

/**
 * `seed-sandbox` on the Meta simulator: a recognisable, PAUSED test hierarchy in a sandbox account, and
 * nothing at all on a live connection, on a halted agent, or when Meta refuses the Page. A create whose
 * outcome is unknown is reported as unknown and never sent twice.
 */
const PAGE = '300000000000001';

function isValidateOnly(call: SimCall): boolean {
  const options = call.body?.execution_options;
  const list = typeof options === 'string' ? JSON.parse(options) : options;
  return Array.isArray(list) && list.includes('validate_only');
}

/** POSTs after `seq` that would change something (validate_only dry runs excluded). */
async function realWritesSince(h: OpsHarness, seq: number): Promise<SimCall[]> {
  return (await h.writes()).filter((c) => c.seq > seq && !isValidateOnly(c));
}

async function lastSeq(h: OpsHarness): Promise<number> {
  return (await h.calls()).at(-1)?.seq ?? 0;
}

describe('seed-sandbox', () => {
  let h: OpsHarness;
  afterEach(async () => h?.close());

  it('creates a PAUSED campaign, ad set, creative and ad, each recognisably a sandbox object', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const seq = await lastSeq(h);
    const r = await expectOk(h.cli('seed-sandbox', '--page-id', PAGE, '--json'));
    const out = r.json();
    expect(out.skipped).toEqual([]);
    expect(out.error).toBeUndefined();
    const { campaign_id, adset_id, creative_id, ad_id } = out.created;
    for (const id of [campaign_id, adset_id, creative_id, ad_id]) expect(id).toMatch(/^\d+$/);

    const campaign = await h.object(campaign_id);
    const adset = await h.object(adset_id);
    const creative = await h.object(creative_id);
    const ad = await h.object(ad_id);
    expect([campaign.status, adset.status, ad.status]).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(adset.campaign_id).toBe(campaign_id);
    expect(ad.adset_id).toBe(adset_id);
    expect(ad.creative_id).toBe(creative_id);
    expect(creative.object_story_spec.page_id).toBe(PAGE);
    for (const o of [campaign, adset, creative, ad]) expect(o.name).toMatch(/^\[MetaBuyer sandbox\] /);

    const writes = await realWritesSince(h, seq);
    expect(writes.map((w) => w.path)).toEqual([
      '/act_1000000001/campaigns',
      '/act_1000000001/adsets',
      '/act_1000000001/adcreatives',
      '/act_1000000001/ads',
    ]);
    expect(JSON.parse(String(writes[0]!.body!.special_ad_categories))).toEqual(['NONE']);
    for (const w of [writes[0]!, writes[1]!, writes[3]!]) expect(w.body!.status).toBe('PAUSED');

    const text = await expectOk(h.cli('seed-sandbox', '--page-id', PAGE));
    expect(text.stdout).toContain('Created in act_1000000001 (sandbox), all PAUSED:');
    expect(text.stdout).toMatch(/^ {2}ad set +\d+ {2}\[MetaBuyer sandbox\] Ad set 2026-11-20 15:00 UTC$/m);
  });

  it("uses the connection's Page when no --page-id is given", async () => {
    h = await startOpsHarness();
    await expectOk(h.cli('init'));
    await expectOk(
      h.cli(
        'connect',
        '--access-token',
        'EAASIMSYSTEMUSERTOKEN0001',
        '--ad-account',
        '1000000001',
        '--page-id',
        PAGE,
      ),
    );
    const out = (await expectOk(h.cli('seed-sandbox', '--json'))).json();
    expect(out.skipped).toEqual([]);
    expect((await h.object(out.created.creative_id)).object_story_spec.page_id).toBe(PAGE);
    expect((await h.object(out.created.ad_id)).status).toBe('PAUSED');
  });

  it('creates only the campaign and ad set without a Page, and says why the rest was skipped', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const seq = await lastSeq(h);
    const out = (await expectOk(h.cli('seed-sandbox', '--json'))).json();
    expect(out.created.creative_id).toBeNull();
    expect(out.created.ad_id).toBeNull();
    expect((await h.object(out.created.campaign_id)).status).toBe('PAUSED');
    expect((await h.object(out.created.adset_id)).status).toBe('PAUSED');
    expect(out.skipped.map((s: { object: string }) => s.object)).toEqual(['creative', 'ad']);
    expect(out.skipped[0].reason).toContain('Pass --page-id');
    expect((await realWritesSince(h, seq)).map((w) => w.path)).toEqual([
      '/act_1000000001/campaigns',
      '/act_1000000001/adsets',
    ]);
    const text = await expectOk(h.cli('seed-sandbox'));
    expect(text.stdout).toContain('Skipped creative: no Facebook Page');
  });

  it('refuses to seed a live account, creating nothing', async () => {
    h = await startOpsHarness();
    await h.onboard({ env: 'live' });
    const seq = await lastSeq(h);
    const r = await h.cli('seed-sandbox', '--page-id', PAGE, '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('not_sandbox');
    expect(r.json().error.message).toContain('act_1000000001 is connected in live mode');
    expect(r.json().error.message).toContain('Nothing was created');
    expect(await h.writes().then((w) => w.filter((c) => c.seq > seq))).toEqual([]);
  });

  it('refuses while the agent is halted, creating nothing', async () => {
    h = await startOpsHarness();
    await h.onboard();
    await expectOk(h.cli('pause-agent', '--reason', 'quiet period'));
    const seq = await lastSeq(h);
    const r = await h.cli('seed-sandbox');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is halted (quiet period');
    expect(await h.writes().then((w) => w.filter((c) => c.seq > seq))).toEqual([]);
  });

  it('reports a create whose outcome is unknown as unknown, and never sends it again', async () => {
    h = await startOpsHarness();
    await h.onboard();
    // The ad set is created at Meta, but the answer never arrives.
    await h.fault({ method: 'POST', path: '^/act_1000000001/adsets$', apply_then_fail: true });
    const seq = await lastSeq(h);
    const r = await h.cli('seed-sandbox', '--page-id', PAGE, '--json');
    expect(r.code).toBe(1);
    const out = r.json();
    expect(out.error).toMatchObject({
      object: 'adset',
      outcome: 'unknown',
      code: 'meta_write_outcome_unknown',
    });
    expect(out.error.message).toContain('may or may not have created the ad set');
    expect(out.created.campaign_id).toMatch(/^\d+$/);
    expect(out.created.adset_id).toBeNull();
    expect(out.skipped.map((s: { object: string }) => s.object)).toEqual(['creative', 'ad']);

    const writes = await realWritesSince(h, seq);
    expect(writes.filter((w) => w.path === '/act_1000000001/adsets')).toHaveLength(1);
    expect(writes.map((w) => w.path)).toEqual(['/act_1000000001/campaigns', '/act_1000000001/adsets']);
    // It did take effect at Meta: exactly one ad set, PAUSED, which a retry would have doubled.
    const campaign = await h.object(out.created.campaign_id);
    expect(campaign.adset_ids).toHaveLength(1);
    expect((await h.object(campaign.adset_ids[0])).status).toBe('PAUSED');
  });

  it('never sends a create twice when Meta answers it with a temporary error after applying it', async () => {
    h = await startOpsHarness();
    await h.onboard();
    await h.fault({
      method: 'POST',
      path: '^/act_1000000001/adsets$',
      apply_then_fail: true,
      error: {
        code: 2,
        message: 'An unexpected error has occurred. Please retry your request later.',
        is_transient: true,
      },
    });
    const seq = await lastSeq(h);
    const r = await h.cli('seed-sandbox', '--json');
    expect(r.code).toBe(1);
    const out = r.json();
    expect(out.error).toMatchObject({ object: 'adset', outcome: 'unknown' });
    expect(out.error.message).toContain('may or may not have been created');
    expect(out.error.message).toContain(
      'Meta says "An unexpected error has occurred. Please retry your request later."',
    );
    const writes = await realWritesSince(h, seq);
    expect(writes.filter((w) => w.path === '/act_1000000001/adsets')).toHaveLength(1);
    expect((await h.object(out.created.campaign_id)).adset_ids).toHaveLength(1);
  });

  it("stops with Meta's own words when a create is refused, listing what already exists", async () => {
    h = await startOpsHarness();
    await h.onboard();
    await h.fault({
      method: 'POST',
      path: '^/act_1000000001/ads$',
      error: {
        code: 100,
        error_subcode: 1885183,
        message: 'Invalid parameter',
        error_user_title: 'Ads creative post was created by an app that is in development mode',
        error_user_msg: 'It must be in public to create this ad.',
      },
    });
    const r = await h.cli('seed-sandbox', '--page-id', PAGE);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}campaign +\d+ /m);
    expect(r.stdout).toMatch(/^ {2}creative +\d+ /m);
    expect(r.stdout).toContain(
      'FAILED ad: Meta refused to create the ad. Meta says "Invalid parameter" (code 100/1885183).',
    );
    expect(r.stdout).toContain('Ads creative post was created by an app that is in development mode');
    expect(r.stdout).toContain('switch it to Live in the App Dashboard');
  });

  it('creates nothing when Meta refuses the Page', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const seq = await lastSeq(h);
    const r = await h.cli('seed-sandbox', '--page-id', '399999999999999', '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.message).toContain('nothing was created');
    expect(r.json().error.message).toContain(
      'Meta says "(#100) Param object_story_spec[page_id] must be a valid Page ID (got 399999999999999)"',
    );
    expect(await realWritesSince(h, seq)).toEqual([]);
  });

  it('turns a malformed flag into a usage error naming it', async () => {
    h = await startOpsHarness({ scenario: seedScenario() });
    const r = await h.cli('seed-sandbox', '--page-id', 'demo-store', '--json');
    expect(r.code).toBe(2);
    expect(r.json().error.message).toBe('--page-id must be a numeric Page id');
  });
});
