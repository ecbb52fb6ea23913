import { describe, expect, it } from 'vitest';
import { ACCOUNT, simForEachTest } from '../../support/sim.js';

const QUERY = { level: 'ad', date_preset: 'last_7d', time_increment: '1', fields: 'ad_id,spend,actions' };
const client = simForEachTest();

describe('async insights reports', () => {
  it('goes Job Not Started → Job Running → Job Completed, then pages the same rows as a sync call', async () => {
    const created = await client.post(`/${ACCOUNT}/insights`, QUERY);
    const runId = created.body.report_run_id;
    expect(runId).toMatch(/^\d+$/);
    const statuses: Array<[string, number]> = [];
    for (let i = 0; i < 3; i++) {
      const run = await client.get(`/${runId}`);
      expect(run.body).toMatchObject({
        id: runId,
        account_id: '1000000001',
        date_start: '2026-11-13',
        date_stop: '2026-11-19',
      });
      statuses.push([run.body.async_status, run.body.async_percent_completion]);
    }
    expect(statuses).toEqual([
      ['Job Not Started', 0],
      ['Job Running', 50],
      ['Job Completed', 100],
    ]);
    const rows = await client.get(`/${runId}/insights`, { limit: '100' });
    const sync = await client.get(`/${ACCOUNT}/insights`, { ...QUERY, limit: '100' });
    expect(rows.body.data).toHaveLength(49);
    expect(rows.body.data).toEqual(sync.body.data);
  });

  it('refuses to hand out rows before the job completes', async () => {
    const runId = (await client.post(`/${ACCOUNT}/insights`, QUERY)).body.report_run_id;
    const early = await client.get(`/${runId}/insights`);
    expect(early.body.error).toMatchObject({ code: 2601, error_subcode: 1815107, is_transient: true });
  });

  it('validates the parameters when the job is created', async () => {
    const r = await client.post(`/${ACCOUNT}/insights`, { ...QUERY, fields: 'spend,roas' });
    expect(r.body.error.message).toMatch(/roas is not valid for fields param/);
  });

  it('keeps the window the job was created with when the clock moves on', async () => {
    const runId = (await client.post(`/${ACCOUNT}/insights`, { fields: 'spend', date_preset: 'last_7d' }))
      .body.report_run_id;
    await client.admin('POST', 'clock', { advance_hours: 48 });
    for (let i = 0; i < 3; i++) await client.get(`/${runId}`);
    expect((await client.get(`/${runId}/insights`)).body.data[0].spend).toBe('2843.19');
  });

  it('reports a failed job with the v25 error fields, and without them on v24.0', async () => {
    await client.admin('POST', 'limits', { report_polls_to_complete: 1 });
    await client.admin('POST', 'report-failures', {
      count: 2,
      error_code: 100,
      error_subcode: 1487534,
      error_message: 'Too much data',
    });
    const v26 = (await client.post(`/${ACCOUNT}/insights`, QUERY)).body.report_run_id;
    expect((await client.get(`/${v26}`)).body).toMatchObject({
      async_status: 'Job Failed',
      error_code: 100,
      error_subcode: 1487534,
      error_message: 'Too much data',
    });
    const v24 = (await client.post(`/${ACCOUNT}/insights`, QUERY)).body.report_run_id;
    const old = await client.fetchJson(`${client.sim.url}/v24.0/${v24}?access_token=${client.token}`);
    expect(old.body.async_status).toBe('Job Failed');
    expect(old.body.error_code).toBeUndefined();
  });

  it('forgets a report run after 30 days, as Meta does', async () => {
    const runId = (await client.post(`/${ACCOUNT}/insights`, QUERY)).body.report_run_id;
    await client.admin('POST', 'clock', { advance_hours: 31 * 24 });
    expect((await client.get(`/${runId}`)).body.error.error_subcode).toBe(33);
  });

  it('answers "reduce the amount of data" when a sync result is over the row limit', async () => {
    await client.admin('POST', 'limits', { sync_insights_row_limit: 10 });
    const r = await client.get(`/${ACCOUNT}/insights`, QUERY);
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: 1, error_subcode: 99 });
    expect((await client.post(`/${ACCOUNT}/insights`, QUERY)).body.report_run_id).toBeDefined();
  });
});
