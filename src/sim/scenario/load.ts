import { readFileSync } from 'node:fs';
import { AppError } from '../../lib/errors.js';
import { scenarioProblems } from './rules.js';
import { type Scenario, scenarioSchema } from './schema.js';

/** A scenario file the simulator refuses, with every problem listed so the author can fix them at once. */
export class ScenarioError extends AppError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super({
      code: 'sim_scenario_invalid',
      verdict: 'invalid',
      message: `scenario ${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      details: { problems },
    });
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/** Validates an already-parsed scenario: the JSON Schema's rules, then SCENARIO.md's. */
export function parseScenario(input: unknown, source = '(object)'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    throw new ScenarioError(
      source,
      result.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`),
    );
  }
  const problems = scenarioProblems(result.data);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return result.data;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(path, [`cannot be read: ${(e as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(path, [`is not JSON: ${(e as Error).message}`]);
  }
  return parseScenario(json, path);
}
