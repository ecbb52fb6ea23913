import type { AnyCommand } from './command.js';

/**
 * What the CLI knows about a command before loading it: its name and one-line summary (enough for
 * `metabuyer help`, "did you mean" and Slack's /metabuyer help), and how to load the module that
 * defines it. A call imports only the module of the command it runs: `status` does not pay for Bolt,
 * BullMQ or the simulator. The summary is kept here only; each command module takes its own from here.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<AnyCommand>;
}

const entry = (name: string, summary: string, load: () => Promise<AnyCommand>): CommandEntry => ({
  name,
  summary,
  load,
});

const decision = (name: 'approve' | 'reject' | 'clear') =>
  entry(
    name,
    `${name} actions of the active plan (the CLI twin of ${name.toUpperCase()} in the Slack thread)`,
    async () => {
      const m = await import('./commands/decide.js');
      return { approve: m.approveCommand, reject: m.rejectCommand, clear: m.clearCommand }[name];
    },
  );

/** Every command, in the order `metabuyer help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  entry(
    'init',
    'create the embedded database, or migrate DATABASE_URL',
    async () => (await import('./commands/admin.js')).initCommand,
  ),
  entry(
    'connect',
    'validate a Meta access token for an ad account and store it encrypted',
    async () => (await import('./commands/connect.js')).connectCommand,
  ),
  entry(
    'connections',
    'each Meta connection: how it was made, token type, scopes, expiry, last renewal, health',
    async () => (await import('./commands/connections.js')).connectionsCommand,
  ),
  entry(
    'disconnect',
    "forget an ad account's Meta credentials and halt its agent",
    async () => (await import('./commands/connections.js')).disconnectCommand,
  ),
  entry(
    'setup',
    "show, then with --apply store, the agent's configuration",
    async () => (await import('./commands/setup.js')).setupCommand,
  ),
  entry(
    'doctor',
    'check credentials, Meta reads, permissions, token expiry, database and Redis',
    async () => (await import('./commands/doctor.js')).doctorCommand,
  ),
  entry(
    'verify-use-cases',
    'probe every Meta endpoint MetaBuyer needs (writes only as validate_only dry runs)',
    async () => (await import('./commands/diagnostics.js')).verifyUseCasesCommand,
  ),
  entry(
    'status',
    'enabled, execution, interval, halted, environment, last and next run, token expiry',
    async () => (await import('./commands/status.js')).statusCommand,
  ),
  entry(
    'run-now',
    'poll Meta now, store the snapshot, recommend',
    async () => (await import('./commands/cycle.js')).runNowCommand,
  ),
  entry(
    'plan-actions',
    'build the plan of actions (A1, A2…) from the latest run',
    async () => (await import('./commands/cycle.js')).planActionsCommand,
  ),
  decision('approve'),
  decision('reject'),
  decision('clear'),
  entry(
    'sync-approvals',
    'read APPROVE / REJECT / CLEAR replies from the Slack approval thread',
    async () => (await import('./commands/sync-approvals.js')).syncApprovalsCommand,
  ),
  entry(
    'execute-actions',
    'apply the approved actions of the active plan, each re-checked live first',
    async () => (await import('./commands/writes.js')).executeActionsCommand,
  ),
  entry(
    'action-log',
    'the newest writes: who approved, who confirmed, before → after, outcome',
    async () => (await import('./commands/action-log.js')).actionLogCommand,
  ),
  entry(
    'rollback-actions',
    'undo the newest applied writes inside the rollback window',
    async () => (await import('./commands/writes.js')).rollbackActionsCommand,
  ),
  entry(
    'reconcile',
    'settle writes whose process died, from live state, and run abandoned confirmations again',
    async () => (await import('./commands/writes.js')).reconcileCommand,
  ),
  entry(
    'pause-agent',
    'halt polling and execution, saying why',
    async () => (await import('./commands/admin.js')).pauseAgentCommand,
  ),
  entry(
    'resume-agent',
    'resume polling and execution',
    async () => (await import('./commands/admin.js')).resumeAgentCommand,
  ),
  entry(
    'seed-sandbox',
    'create a PAUSED test campaign, ad set, creative and ad in a sandbox ad account',
    async () => (await import('./commands/diagnostics.js')).seedSandboxCommand,
  ),
  entry(
    'backtest',
    "replay the engine over past days (an agent's account, or a scenario): what would have fired, and how often it was right",
    async () => (await import('./commands/backtest.js')).backtestCommand,
  ),
  entry(
    'sim',
    'serve a simulated Meta Graph API from a scenario file',
    async () => (await import('./commands/sim.js')).simCommand,
  ),
  entry(
    'serve',
    'run the Slack app (slash command, thread replies, buttons, modals, App Home) on PORT, or over Socket Mode when SLACK_APP_TOKEN is set',
    async () => (await import('./commands/serve.js')).serveCommand,
  ),
  entry(
    'worker',
    'run the job workers (scheduled polls, Slack reports) until SIGTERM/SIGINT',
    async () => (await import('./commands/worker.js')).workerCommand,
  ),
  entry(
    'demo',
    'walk the whole cycle on the built-in simulator and a temporary embedded database',
    async () => (await import('./commands/demo.js')).demoCommand,
  ),
  entry(
    'migrate',
    'apply database migrations',
    async () => (await import('./commands/admin.js')).migrateCommand,
  ),
];

/** The entry named `name` (nothing is loaded). */
export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The command named `name`, its module loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<AnyCommand | undefined> {
  return findCommand(name)?.load();
}

/** Every command, loaded (tests and tools that inspect every command's flags). */
export function loadAllCommands(): Promise<AnyCommand[]> {
  return Promise.all(COMMANDS.map((c) => c.load()));
}

/**
 * The command a typo most likely meant (`statsu` → status, `runnow` → run-now), or undefined when
 * nothing is close: at most a third of the name's letters may differ.
 */
export function suggestCommand(typed: string): string | undefined {
  const word = typed.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const c of COMMANDS) {
    const d = editDistance(word, c.name);
    if (!best || d < best.distance) best = { name: c.name, distance: d };
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return best && best.distance <= allowed ? best.name : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A command's one-line summary, as `help` lists it (the command modules take theirs from here). */
export function summaryOf(name: string): string {
  const found = COMMANDS.find((c) => c.name === name);
  if (!found) throw new Error(`no command named ${name} in the registry`);
  return found.summary;
}
