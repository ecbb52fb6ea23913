import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEED_PATH, SHARED_SEED_PATH } from '../../support/sim.js';

const ownSpecs = fileURLToPath(new URL('../../../src/sim/specs/', import.meta.url));
const sharedSpecs = fileURLToPath(new URL('../../../../shared/meta-api-specs/', import.meta.url));

// The product ships copies so that `metabuyer sim` runs without ../shared; these prove they are
// unmodified whenever the shared originals are present (they are in every checkout of this project).
describe.runIf(existsSync(sharedSpecs))("copies of Meta's spec data", () => {
  const files = readdirSync(ownSpecs).filter(
    (f) => f.endsWith('.json') && f !== 'biome.json' && f !== 'scenario.schema.json',
  );

  it('include the node files and enum_types.json the simulator reads', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'AdAccount.json',
        'Campaign.json',
        'AdSet.json',
        'Ad.json',
        'AdsInsights.json',
        'AdReportRun.json',
        'enum_types.json',
      ]),
    );
  });

  it.each(
    readdirSync(ownSpecs).filter(
      (f) => f.endsWith('.json') && f !== 'biome.json' && f !== 'scenario.schema.json',
    ),
  )('%s is byte-identical to ../shared/meta-api-specs', (file) => {
    expect(readFileSync(`${ownSpecs}${file}`).equals(readFileSync(`${sharedSpecs}${file}`))).toBe(true);
  });
});

const sharedSchema = fileURLToPath(new URL('../../../../shared/sim/scenario.schema.json', import.meta.url));
/**
 * Our copy extends the shared format with documented keys only (src/sim/README.md, "Extensions"): the
 * ad account's `conversion_lag` and its `$defs/conversionLag`. Without them it must be exactly the
 * shared schema, so every shared scenario stays valid here and means the same.
 */
const EXTENSIONS = { adAccountProperties: ['conversion_lag'], defs: ['conversionLag'] };
describe.runIf(existsSync(sharedSchema))('the scenario schema shipped with the simulator', () => {
  it('is ../shared/sim/scenario.schema.json plus only the documented extensions', () => {
    const ours = JSON.parse(readFileSync(`${ownSpecs}scenario.schema.json`, 'utf8'));
    const shared = JSON.parse(readFileSync(sharedSchema, 'utf8'));
    for (const key of EXTENSIONS.adAccountProperties) {
      expect(ours.$defs.adAccount.properties[key]).toBeDefined();
      expect(shared.$defs.adAccount.properties[key]).toBeUndefined();
      delete ours.$defs.adAccount.properties[key];
    }
    for (const key of EXTENSIONS.defs) {
      expect(shared.$defs[key]).toBeUndefined();
      delete ours.$defs[key];
    }
    expect(ours).toEqual(shared);
  });
});

describe.runIf(existsSync(SHARED_SEED_PATH))('examples/seed-demo.json', () => {
  it('is byte-identical to ../shared/sim/examples/seed-demo.json', () => {
    expect(readFileSync(SEED_PATH).equals(readFileSync(SHARED_SEED_PATH))).toBe(true);
  });
});
