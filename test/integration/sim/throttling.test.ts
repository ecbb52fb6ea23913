import { describe, expect, it } from 'vitest';
import { ACCOUNT, type Json, simForEachTest } from '../../support/sim.js';

const client = simForEachTest({ callsPerHour: 4 });

function usage(headers: Headers): { management: Json; insights: Json } {
  const buc = JSON.parse(headers.get('x-business-use-case-usage') ?? '{}')['1000000001'] as Json[];
  return {
    management: buc.find((e) => e.type === 'ads_management'),
    insights: buc.find((e) => e.type === 'ads_insights'),
  };
}

describe('rate limits', () => {
  it('reports usage that moves with each call, per use case, in every usage header', async () => {
    const first = await client.get(`/${ACCOUNT}`);
    expect(usage(first.headers).management).toMatchObject({
      call_count: 25,
      total_cputime: 15,
      total_time: 20,
      estimated_time_to_regain_access: 0,
      ads_api_access_tier: 'standard_access',
    });
    expect(usage(first.headers).insights.call_count).toBe(0);
    const second = await client.get(`/${ACCOUNT}/insights`);
    expect(usage(second.headers).insights.call_count).toBe(25);
    expect(usage(second.headers).management.call_count).toBe(25);
    expect(JSON.parse(second.headers.get('x-fb-ads-insights-throttle') ?? '{}')).toMatchObject({
      acc_id_util_pct: 25,
    });
    expect(JSON.parse(second.headers.get('x-ad-account-usage') ?? '{}')).toMatchObject({
      acc_id_util_pct: 25,
      reset_time_duration: 3600,
    });
    expect(JSON.parse(second.headers.get('x-app-usage') ?? '{}')).toHaveProperty('call_count');
  });

  it('refuses calls once the hour’s budget is spent, with 80004 and a time to regain access, and recovers as the clock moves', async () => {
    for (let i = 0; i < 4; i++) expect((await client.get(`/${ACCOUNT}/campaigns`)).status).toBe(200);
    const refused = await client.get(`/${ACCOUNT}/campaigns`);
    expect(refused.body.error).toMatchObject({ code: 80004, error_subcode: 2446079 });
    expect(refused.body.error.message).toMatch(
      /^\(#80004\) There have been too many calls to this ad-account/,
    );
    expect(usage(refused.headers).management.estimated_time_to_regain_access).toBe(60);
    expect(usage(refused.headers).management.call_count).toBe(125);
    // insights have their own budget
    expect((await client.get(`/${ACCOUNT}/insights`)).status).toBe(200);
    await client.admin('POST', 'clock', { advance_hours: 0.5 });
    expect((await client.get(`/${ACCOUNT}/campaigns`)).body.error.code).toBe(80004);
    await client.admin('POST', 'clock', { advance_hours: 0.51 });
    const recovered = await client.get(`/${ACCOUNT}/campaigns`);
    expect(recovered.status).toBe(200);
  });

  it('throttles insights with 80000, and counts batch items one by one', async () => {
    const items = Array.from({ length: 5 }, () => ({
      method: 'GET',
      relative_url: `${ACCOUNT}/insights?fields=spend`,
    }));
    const r = await client.post('/', { batch: JSON.stringify(items) });
    expect(r.body.map((i: Json) => i.code)).toEqual([200, 200, 200, 200, 400]);
    expect(JSON.parse(r.body[4].body).error).toMatchObject({ code: 80000, error_subcode: 2446079 });
  });

  it('can throttle the legacy way, with code 17', async () => {
    await client.admin('POST', 'limits', { calls_per_hour: 1, throttle_style: 'legacy' });
    await client.get(`/${ACCOUNT}`);
    expect((await client.get(`/${ACCOUNT}`)).body.error).toMatchObject({ code: 17, error_subcode: 2446079 });
  });

  it('sets a budget for one account and use case only', async () => {
    await client.admin('POST', 'limits', {
      calls_per_hour: 1,
      account_id: ACCOUNT,
      use_case: 'ads_insights',
    });
    expect((await client.get(`/${ACCOUNT}/insights`)).status).toBe(200);
    expect((await client.get(`/${ACCOUNT}/insights`)).body.error.code).toBe(80000);
    expect((await client.get(`/${ACCOUNT}`)).status).toBe(200);
    expect((await client.admin('GET', 'limits')).body.per_account).toEqual({ '1000000001:ads_insights': 1 });
  });
});
