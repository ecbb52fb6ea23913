import { describe, expect, it } from 'vitest';
import { parseUsageHeaders } from '../../../src/meta/usage-headers.js';

describe('usage headers', () => {
  it('reads X-Business-Use-Case-Usage per account and use case, with the regain time in minutes', () => {
    const readings = parseUsageHeaders({
      'x-business-use-case-usage': JSON.stringify({
        '1000000001': [
          {
            type: 'ads_management',
            call_count: 95,
            total_cputime: 20,
            total_time: 30,
            estimated_time_to_regain_access: 0,
          },
          {
            type: 'ads_insights',
            call_count: 10,
            total_cputime: 100,
            total_time: 12,
            estimated_time_to_regain_access: 7,
          },
        ],
      }),
    });
    expect(readings).toEqual([
      { accountId: 'act_1000000001', useCase: 'ads_management', usedPct: 95 },
      { accountId: 'act_1000000001', useCase: 'ads_insights', usedPct: 100, regainAccessMs: 420_000 },
    ]);
  });

  it('reads the ad account, insights and app headers for the account of the request', () => {
    const readings = parseUsageHeaders(
      {
        'X-Ad-Account-Usage':
          '{"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"}',
        'x-fb-ads-insights-throttle': '{"app_id_util_pct":80,"acc_id_util_pct":10}',
        'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
      },
      'act_42',
    );
    expect(readings).toEqual([
      { accountId: 'act_42', useCase: 'ads_management', usedPct: 9.67 },
      { accountId: 'act_42', useCase: 'ads_insights', usedPct: 80 },
      { accountId: '*', useCase: 'app', usedPct: 28 },
    ]);
  });

  it('turns a full ad-account score into a block of reset_time_duration seconds', () => {
    const [r] = parseUsageHeaders(
      { 'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":300}' },
      '42',
    );
    expect(r).toEqual({
      accountId: 'act_42',
      useCase: 'ads_management',
      usedPct: 100,
      regainAccessMs: 300_000,
    });
  });

  it.each([
    ['absent', {}],
    ['not JSON', { 'x-business-use-case-usage': '{"1":[{"type":"ads_management","call_count":9' }],
    ['JSON of the wrong shape', { 'x-business-use-case-usage': '[1,2,3]' }],
    ['entries that are not lists', { 'x-business-use-case-usage': '{"1":{"type":"ads_management"}}' }],
    ['numbers as words', { 'x-app-usage': '{"call_count":"lots","total_time":null}' }],
    ['negative numbers', { 'x-app-usage': '{"call_count":-5}' }],
    [
      'an id that is not an account',
      { 'x-business-use-case-usage': '{"<script>":[{"type":"ads_management","call_count":1}]}' },
    ],
    ['an account header without a request account', { 'x-ad-account-usage': '{"acc_id_util_pct":50}' }],
  ])('ignores a header that is %s', (_name, headers) => {
    expect(parseUsageHeaders(headers as Record<string, string>)).toEqual([]);
  });

  it('keeps the readable entries of a header whose other entries are malformed', () => {
    const readings = parseUsageHeaders({
      'x-business-use-case-usage': JSON.stringify({
        '7': [
          null,
          'x',
          { type: 'ads_insights', call_count: 'NaN' },
          { type: 'ads_management', call_count: 50 },
        ],
      }),
    });
    expect(readings).toEqual([{ accountId: 'act_7', useCase: 'ads_management', usedPct: 50 }]);
  });
});
