import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_FIELDS } from '../../../src/meta/activities.js';
import { ACCOUNT_FIELDS, AD_FIELDS, ADSET_FIELDS, CAMPAIGN_FIELDS } from '../../../src/meta/reads.js';

// Meta's codegen specs: the shared fact base, or the copy the simulator ships in the repository.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const specDir = [path.resolve(root, '../shared/meta-api-specs'), path.resolve(root, 'src/sim/specs')].find(
  (d) => existsSync(path.join(d, 'Campaign.json')),
);

function fieldsOf(node: string): Set<string> {
  if (!specDir) throw new Error('Meta spec files not found');
  const spec = JSON.parse(readFileSync(path.join(specDir, `${node}.json`), 'utf8')) as {
    fields: Array<{ name: string }>;
  };
  return new Set(spec.fields.map((f) => f.name));
}

describe('fields requested from Meta', () => {
  it.each([
    ['AdAccount', ACCOUNT_FIELDS],
    ['Campaign', CAMPAIGN_FIELDS],
    ['AdSet', ADSET_FIELDS],
    ['Ad', AD_FIELDS],
    [
      'AdsInsights',
      [
        'campaign_id',
        'adset_id',
        'ad_id',
        'spend',
        'impressions',
        'reach',
        'clicks',
        'inline_link_clicks',
        'actions',
        'action_values',
      ],
    ],
    [
      'AdReportRun',
      [
        'id',
        'async_status',
        'async_percent_completion',
        'error_code',
        'error_subcode',
        'error_message',
        'error_user_title',
        'error_user_msg',
      ],
    ],
    ['Permission', ['permission', 'status']],
    ['AdActivity', ACTIVITY_FIELDS],
  ] as const)('exist on %s in Meta’s spec', (node, fields) => {
    const known = fieldsOf(node);
    expect(fields.filter((f) => !known.has(f))).toEqual([]);
  });
});
