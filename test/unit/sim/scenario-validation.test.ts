import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../../src/sim/index.js';
import { seedScenario } from '../../support/sim.js';
import { generatedScenario, rulesScenario } from '../../support/sim-scenarios.js';

// The simulator ships a copy of ../shared/sim/scenario.schema.json (copies.test.ts proves it identical).
const schemaUrl = new URL('../../../src/sim/specs/scenario.schema.json', import.meta.url);
const examples = ['seed-demo.json', 'generated-10k.json', 'generated-100k.json'].map((f) =>
  fileURLToPath(new URL(`../../../examples/${f}`, import.meta.url)),
);

function jsonSchemaValidator() {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')));
}

function refusal(input: unknown): string {
  try {
    parseScenario(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario files', () => {
  const validate = jsonSchemaValidator();

  it.each(examples)('%s is valid against scenario.schema.json and accepted by the simulator', (path) => {
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parseScenario(json)).not.toThrow();
  });

  it('accepts the test scenarios, which are valid against the JSON schema too', () => {
    for (const s of [
      rulesScenario(),
      generatedScenario({ seed: 1, campaigns: 2, adsets_per_campaign: 2, ads_per_adset: 2, days: 3 }),
    ]) {
      expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
      expect(() => parseScenario(s)).not.toThrow();
    }
  });

  it('agrees with the JSON schema on date-time spellings', () => {
    const spellings = [
      '2026-11-20T15:00:00Z',
      '2026-11-20t15:00:00z',
      '2026-11-20 15:00:00Z',
      '2026-11-20T15:00:00.123+01:00',
      '2026-11-20T15:00:00+0100',
      '2026-11-20T15:00:00+01',
      '2026-11-20T15:00Z',
      '2026-11-20T15:00:00',
      '2026-02-30T15:00:00Z',
      '2026-11-20',
    ];
    for (const now of spellings) {
      const s = { ...seedScenario(), now };
      const schemaSays = validate(s);
      let simSays = true;
      try {
        parseScenario(s);
      } catch {
        simSays = false;
      }
      expect(simSays, now).toBe(schemaSays);
    }
  });
});

describe('scenario rules', () => {
  it('refuses an ad set budget under a campaign that has a campaign budget (CBO)', () => {
    const s = seedScenario();
    s.ad_accounts[0].campaigns[1].adsets[0].daily_budget = 5000;
    expect(refusal(s)).toMatch(/ad set 14 has a daily_budget, but its campaign 13 has one too/);
  });

  it('refuses an ACTIVE ad set without a budget when its campaign has none', () => {
    const s = seedScenario();
    delete s.ad_accounts[0].campaigns[0].adsets[0].daily_budget;
    expect(refusal(s)).toMatch(/ACTIVE ad set 11 has no daily_budget/);
  });

  it('accepts a PAUSED ad set without a budget when its campaign has none', () => {
    const s = seedScenario();
    const adset = s.ad_accounts[0].campaigns[0].adsets[0];
    delete adset.daily_budget;
    adset.status = 'PAUSED';
    expect(() => parseScenario(s)).not.toThrow();
  });

  it('refuses two objects with the same id', () => {
    const s = seedScenario();
    s.ad_accounts[0].campaigns[0].adsets[1].ads[0].id = '110';
    expect(refusal(s)).toMatch(/id 110 is used twice/);
  });

  it('refuses an unknown time zone and an impossible date', () => {
    const s = seedScenario();
    s.ad_accounts[0].timezone_name = 'Mars/Olympus_Mons';
    s.ad_accounts[0].campaigns[0].adsets[0].ads[0].daily[0].date = '2026-02-30';
    const message = refusal(s);
    expect(message).toMatch(/Mars\/Olympus_Mons/);
    expect(message).toMatch(/2026-02-30 is not a real date/);
  });

  it('refuses what the JSON schema refuses, naming where', () => {
    const s = seedScenario();
    s.ad_accounts[0].campaigns[0].status = 'RUNNING';
    s.tokens[0].extra = true;
    const message = refusal(s);
    expect(message).toMatch(/ad_accounts\[0\]\.campaigns\[0\]\.status/);
    expect(message).toMatch(/tokens\[0\]/);
  });

  it('refuses an account with both campaigns and generate, or neither', () => {
    const both = seedScenario();
    both.ad_accounts[0].generate = {
      seed: 1,
      campaigns: 1,
      adsets_per_campaign: 1,
      ads_per_adset: 1,
      days: 1,
    };
    expect(refusal(both)).toMatch(/exactly one of "campaigns" or "generate"/);
    const neither = seedScenario();
    delete neither.ad_accounts[0].campaigns;
    expect(refusal(neither)).toMatch(/exactly one of "campaigns" or "generate"/);
  });

  it('fills in the JSON schema defaults', () => {
    const s = parseScenario(seedScenario());
    expect(s.app.require_appsecret_proof).toBe(false);
    expect(s.tokens[0]?.valid).toBe(true);
    const adset = s.ad_accounts[0]?.campaigns?.[0]?.adsets[0];
    expect(adset?.learning_stage).toBe('SUCCESS');
    expect(adset?.optimization_goal).toBe('OFFSITE_CONVERSIONS');
  });
});
