import { afterEach, describe, expect, it } from 'vitest';
import { expectOk, type OpsHarness, type SimCall, startOpsHarness } from '../../support/ops-harness.js';
import { SimClient } from '../../support/sim.js';
import { READ_TOKEN, rulesScenario } from '../../support/sim-scenarios.js';

/**
 * `verify-use-cases` on the Meta simulator: every endpoint MetaBuyer needs is probed and reported in
 * the operator's terms, Meta's own words come through when something fails, and nothing is ever written.
 */
const PAGE = '300000000000001';
const ALL_USE_CASES = [
  'ad_account_read',
  'campaigns_list',
  'adsets_list',
  'ads_list',
  'insights_campaign',
  'insights_adset',
  'insights_ad',
  'status_write_validate',
  'budget_write_validate',
  'dry_run_left_unchanged',
  'token_debug',
  'permissions',
  'page_access',
  'creative_validate',
];

type UseCase = { name: string; status: string; detail: string };
const byName = (cases: UseCase[]) => Object.fromEntries(cases.map((c) => [c.name, c]));

function isValidateOnly(call: SimCall): boolean {
  const options = call.body?.execution_options;
  const list = typeof options === 'string' ? JSON.parse(options) : options;
  return Array.isArray(list) && list.includes('validate_only');
}

describe('verify-use-cases', () => {
  let h: OpsHarness;
  afterEach(async () => h?.close());

  it('passes every use case on a healthy account, with the probed objects named', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const r = await expectOk(h.cli('verify-use-cases', '--page-id', PAGE, '--json'));
    const out = r.json();
    expect(Object.keys(out).sort()).toEqual(['ad_account_id', 'use_cases', 'wrote_nothing']);
    expect(out.wrote_nothing).toBe(true);
    expect(out.use_cases.map((u: UseCase) => u.name)).toEqual(ALL_USE_CASES);
    for (const u of out.use_cases)
      expect({ name: u.name, status: u.status }).toEqual({ name: u.name, status: 'pass' });
    const cases = byName(out.use_cases);
    expect(cases.ad_account_read!.detail).toContain('Demo Store US (act_1000000001, USD, America/New_York)');
    expect(cases.adsets_list!.detail).toMatch(/Listed 4 ad set\(s\) with learning_stage_info/);
    expect(cases.insights_ad!.detail).toContain('2026-11-19');
    expect(cases.status_write_validate!.detail).toContain('ad set 11 ("Broad US 25-54") to PAUSED');
    expect(cases.budget_write_validate!.detail).toContain('from $150.00 to $165.00');
    expect(cases.budget_write_validate!.detail).toContain('the budget stays $150.00');
    expect(cases.page_access!.detail).toContain('Demo Store');
    expect(cases.creative_validate!.detail).toContain('nothing was created');

    const text = await expectOk(h.cli('verify-use-cases', '--page-id', PAGE));
    expect(text.stdout).toMatch(/^PASS status_write_validate: /m);
    expect(text.stdout).toContain('Nothing was written to act_1000000001');
  });

  it('writes nothing even when every probe passes', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const graph = new SimClient(h.sim);
    const creativesBefore = (await graph.get('/act_1000000001/adcreatives', { fields: 'id' })).body.data;
    const adsetBefore = await h.object('11');
    const campaignBefore = await h.object('10');
    const seqBefore = (await h.calls()).at(-1)?.seq ?? 0;

    await expectOk(h.cli('verify-use-cases', '--page-id', PAGE, '--json'));

    const after = await h.object('11');
    expect({
      status: after.status,
      daily_budget: after.daily_budget,
      last_sig_edit_ts: after.last_sig_edit_ts,
    }).toEqual({
      status: adsetBefore.status,
      daily_budget: adsetBefore.daily_budget,
      last_sig_edit_ts: adsetBefore.last_sig_edit_ts,
    });
    expect(after.status).toBe('ACTIVE');
    expect(after.daily_budget).toBe(15000);
    expect((await h.object('10')).adset_ids).toEqual(campaignBefore.adset_ids);

    const posts = (await h.writes()).filter((c) => c.seq > seqBefore);
    expect(posts.map((c) => c.path).sort()).toEqual(['/11', '/11', '/act_1000000001/adcreatives']);
    expect(posts.every(isValidateOnly)).toBe(true);
    expect(posts.find((c) => c.body?.status !== undefined)?.body?.status).toBe('PAUSED');
    expect(Number(posts.find((c) => c.body?.daily_budget !== undefined)?.body?.daily_budget)).toBe(16500);
    const calls = (await h.calls()).filter((c) => c.seq > seqBefore);
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([]);
    // No creative exists that did not exist before.
    expect((await graph.get('/act_1000000001/adcreatives', { fields: 'id' })).body.data).toEqual(
      creativesBefore,
    );
  });

  it("reports Meta's own error text when a permission is missing, and still writes nothing", async () => {
    h = await startOpsHarness({ scenario: rulesScenario() });
    await expectOk(h.cli('init'));
    await expectOk(h.cli('connect', '--access-token', READ_TOKEN, '--ad-account', '1000000001'));

    const r = await h.cli('verify-use-cases', '--json');
    expect(r.code).toBe(1);
    const cases = byName(r.json().use_cases);
    // Reading works with ads_read …
    expect(cases.ad_account_read!.status).toBe('pass');
    expect(cases.insights_campaign!.status).toBe('pass');
    // … but the dry-run writes fail the way Meta says, in Meta's words.
    expect(cases.status_write_validate!.status).toBe('fail');
    expect(cases.status_write_validate!.detail).toContain(
      'Meta says "(#200) Requires ads_management permission to manage the object" (code 200)',
    );
    expect(cases.budget_write_validate!.status).toBe('fail');
    expect(cases.budget_write_validate!.detail).toContain('Requires ads_management permission');
    expect(cases.permissions!.status).toBe('fail');
    expect(cases.permissions!.detail).toContain(
      'missing ads_management, business_management (granted: ads_read)',
    );
    expect(r.json().wrote_nothing).toBe(true);
    expect((await h.object('11')).status).toBe('ACTIVE');

    const text = await h.cli('verify-use-cases');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^FAIL status_write_validate: .*Requires ads_management permission/m);
  });

  it("reports a failing endpoint with Meta's words without hiding the probes that pass", async () => {
    h = await startOpsHarness();
    await h.onboard();
    await h.fault({
      method: 'GET',
      path: '^/act_1000000001/insights$',
      times: 1,
      error: { code: 100, message: '(#100) The ad account is not enabled for insights in this region' },
    });
    const r = await h.cli('verify-use-cases', '--json');
    expect(r.code).toBe(1);
    const cases = byName(r.json().use_cases);
    expect(cases.insights_campaign!.status).toBe('fail');
    expect(cases.insights_campaign!.detail).toContain(
      'Meta says "(#100) The ad account is not enabled for insights in this region"',
    );
    expect(cases.insights_adset!.status).toBe('pass');
    expect(cases.insights_ad!.status).toBe('pass');
    expect(cases.status_write_validate!.status).toBe('pass');
  });

  it('skips the Page checks without a Page and says how to run them', async () => {
    h = await startOpsHarness();
    await h.onboard();
    const r = await expectOk(h.cli('verify-use-cases', '--json'));
    const names = r.json().use_cases.map((u: UseCase) => u.name);
    expect(names).not.toContain('page_access');
    expect(names).not.toContain('creative_validate');
    const text = await expectOk(h.cli('verify-use-cases'));
    expect(text.stdout).toContain('Page and creative checks skipped: pass --page-id');
  });

  it("fails an unreachable Page in Meta's own words and creates no creative", async () => {
    h = await startOpsHarness();
    await h.onboard();
    const seqBefore = (await h.calls()).at(-1)?.seq ?? 0;
    const r = await h.cli('verify-use-cases', '--page-id', '399999999999999', '--json');
    expect(r.code).toBe(1);
    const cases = byName(r.json().use_cases);
    expect(cases.page_access!.status).toBe('fail');
    expect(cases.page_access!.detail).toContain('Page 399999999999999 is not among the 1 Page(s)');
    expect(cases.creative_validate!.status).toBe('fail');
    expect(cases.creative_validate!.detail).toContain(
      'Meta says "(#100) Param object_story_spec[page_id] must be a valid Page ID (got 399999999999999)"',
    );
    const posts = (await h.writes()).filter((c) => c.seq > seqBefore);
    expect(posts.every(isValidateOnly)).toBe(true);
  });

  it('turns a malformed flag into a usage error naming it', async () => {
    h = await startOpsHarness();
    const page = await h.cli('verify-use-cases', '--page-id', 'my-page');
    expect(page.code).toBe(2);
    expect(page.stderr).toContain('--page-id must be a numeric Page id');
    const account = await h.cli('verify-use-cases', '--ad-account', 'store', '--json');
    expect(account.code).toBe(2);
    expect(account.json().error.message).toContain('--ad-account must be digits or act_<digits>');
  });
});
