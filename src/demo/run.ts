/**
 * `npm run demo`: the whole MetaBuyer cycle as an operator sees it, with no servers and no setup — the
 * Meta simulator on the example account, the embedded database in a fresh temporary home, and the same
 * commands an operator types, run through the real CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppContext } from '../app/context.js';
import { main } from '../cli/main.js';
import { cliActor } from '../domain/actor.js';
import type { Clock } from '../lib/clock.js';
import { parseConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { loadScenarioFile, startSimulator } from '../sim/index.js';

export const DEMO_SCENARIO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'seed-demo.json',
);

interface Step {
  /** What the operator asks, in their words (the workflow transcript). */
  say: string;
  argv: string[];
  /** Exit code the step must end with (refusals are part of the tour). */
  expect?: number;
}

const STEPS: Step[] = [
  { say: 'Create the embedded database.', argv: ['init'] },
  {
    say: 'Connect our ad account with the System User token (stored encrypted; sandbox mode).',
    argv: [
      'connect',
      '--access-token',
      'EAASIMSYSTEMUSERTOKEN0001',
      '--ad-account',
      '1000000001',
      '--env',
      'sandbox',
    ],
  },
  {
    say: 'Configure it: target CPA 120, target ROAS 1.8, updates in channel:C12345678 — writes disabled at first.',
    argv: [
      'setup',
      '--apply',
      '--target-cpa',
      '120',
      '--target-roas',
      '1.8',
      '--date-preset',
      'last_7d',
      '--attribution-window',
      '7d_click',
      '--source-of-truth',
      'meta',
      '--slack-target',
      'channel:C12345678',
      '--execution-enabled',
      'false',
    ],
  },
  { say: 'Run health checks.', argv: ['doctor'] },
  { say: 'And the current status.', argv: ['status'] },
  { say: 'Run the analysis now and tell me what it found.', argv: ['run-now'] },
  { say: 'Create an action plan, but do not execute anything yet.', argv: ['plan-actions'] },
  { say: 'I approve two actions…', argv: ['approve', 'A1', 'A3'] },
  { say: '…and reject one.', argv: ['reject', 'A2'] },
  {
    say: 'Try to execute while writes are still disabled: refused, nothing written.',
    argv: ['execute-actions', '--confirm', 'sandbox'],
    expect: 1,
  },
  { say: 'Enable execution.', argv: ['setup', '--execution-enabled', 'true', '--apply'] },
  {
    say: 'Confirming with the wrong environment word is refused too.',
    argv: ['execute-actions', '--confirm', 'live'],
    expect: 1,
  },
  {
    say: 'Execute only the approved actions, in sandbox mode.',
    argv: ['execute-actions', '--confirm', 'sandbox'],
  },
  { say: 'Show the last 10 actions.', argv: ['action-log', '--limit', '10'] },
  { say: 'Roll back the newest write.', argv: ['rollback-actions', '--confirm', 'sandbox', '--limit', '1'] },
  {
    say: 'Pause the agent until tomorrow.',
    argv: ['pause-agent', '--reason', 'manual review until tomorrow'],
  },
  { say: 'Status, once more.', argv: ['status'] },
];

export interface DemoOptions {
  out?: (text: string) => void;
  color?: boolean;
  /** Keep the temporary home (for inspection); default: removed at the end. */
  keepHome?: boolean;
}

export async function runDemo(opts: DemoOptions = {}): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const color = opts.color ?? Boolean(process.stdout.isTTY);
  const paint = (code: string, t: string) => (color ? `\x1b[${code}m${t}\x1b[0m` : t);
  const bold = (t: string) => paint('1', t);
  const dim = (t: string) => paint('2', t);
  const cyan = (t: string) => paint('36', t);

  const scenario = loadScenarioFile(DEMO_SCENARIO);
  const home = mkdtempSync(path.join(tmpdir(), 'metabuyer-demo-'));
  out(
    bold('MetaBuyer demo') +
      dim(` — the workflow of an operator, on "${scenario.ad_accounts[0]?.name}" (simulated Meta)`),
  );
  out(
    dim(
      `  data: embedded database in ${home} · Meta: built-in Graph API simulator · scenario: examples/seed-demo.json`,
    ),
  );
  const sim = await startSimulator({ scenarioPath: DEMO_SCENARIO });
  out(dim(`  simulator listening on ${sim.url}`));

  // The app's clock runs from the scenario's "now", so Meta's days and MetaBuyer's agree.
  const offset = Date.parse(scenario.now) - Date.now();
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  const config = parseConfig({
    METABUYER_HOME: home,
    META_GRAPH_URL: sim.url,
    META_APP_ID: scenario.app.id,
    META_APP_SECRET: scenario.app.secret,
    LOG_LEVEL: 'warn',
  });
  const ctx = createAppContext(config, { clock, logger: createLogger({ level: 'warn' }) });
  let failures = 0;
  try {
    for (const [i, step] of STEPS.entries()) {
      out('');
      out(`${dim(`${String(i + 1).padStart(2)}.`)} ${step.say}`);
      out(`    ${cyan(`$ metabuyer ${step.argv.map(quote).join(' ')}`)}`);
      const started = Date.now();
      const code = await main(
        step.argv,
        {},
        {
          context: ctx,
          actor: cliActor('demo-operator'),
          io: {
            out: (t) => out(indent(t.replace(/\n$/, ''))),
            err: (t) => out(indent(dim(t.replace(/\n$/, '')))),
          },
        },
      );
      const expected = step.expect ?? 0;
      if (code !== expected) {
        failures++;
        out(indent(paint('31', `(exit ${code}, expected ${expected})`)));
      } else if (Date.now() - started > 500) {
        out(indent(dim(`(${Date.now() - started} ms)`)));
      }
    }
  } finally {
    await ctx.close();
    await sim.close();
    if (!opts.keepHome) rmSync(home, { recursive: true, force: true });
  }
  out('');
  if (failures > 0) {
    out(paint('31', `Demo finished with ${failures} unexpected result(s).`));
    return 1;
  }
  out(
    bold('Done.') +
      ' Every write went through approval, an explicit confirmation, a live re-check and the append-only log.',
  );
  const token = scenario.tokens.find((t) => t.type === 'SYSTEM_USER')?.token ?? scenario.tokens[0]?.token;
  const account = scenario.ad_accounts[0]?.id ?? 'act_…';
  for (const line of [
    'Next: `npx metabuyer help`, or drive the simulator yourself. In one terminal:',
    '  npx metabuyer sim --scenario examples/seed-demo.json --port 8787',
    "In another (the scenario's app id and secret sign the calls; its system-user token connects):",
    `  export META_GRAPH_URL=http://127.0.0.1:8787 META_APP_ID=${scenario.app.id} META_APP_SECRET=${scenario.app.secret}`,
    '  npx metabuyer init',
    `  npx metabuyer connect --access-token ${token} --ad-account ${account}`,
    '  npx metabuyer setup --target-cpa 120 --target-roas 1.8 --apply && npx metabuyer run-now',
  ]) {
    out(dim(line));
  }
  return 0;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '\\"')}"`;
}
