import type { AnyCommand } from './command.js';
import { actionLogCommand } from './commands/action-log.js';
import { initCommand, migrateCommand, pauseAgentCommand, resumeAgentCommand } from './commands/admin.js';
import { backtestCommand } from './commands/backtest.js';
import { connectCommand } from './commands/connect.js';
import { connectionsCommand, disconnectCommand } from './commands/connections.js';
import { planActionsCommand, runNowCommand } from './commands/cycle.js';
import { approveCommand, clearCommand, rejectCommand } from './commands/decide.js';
import { demoCommand } from './commands/demo.js';
import { seedSandboxCommand, verifyUseCasesCommand } from './commands/diagnostics.js';
import { doctorCommand } from './commands/doctor.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { simCommand } from './commands/sim.js';
import { statusCommand } from './commands/status.js';
import { syncApprovalsCommand } from './commands/sync-approvals.js';
import { workerCommand } from './commands/worker.js';
import { executeActionsCommand, reconcileCommand, rollbackActionsCommand } from './commands/writes.js';

/** Every command, in the order `metabuyer help` lists them. */
export const COMMANDS: AnyCommand[] = [
  initCommand,
  connectCommand,
  connectionsCommand,
  disconnectCommand,
  setupCommand,
  doctorCommand,
  verifyUseCasesCommand,
  statusCommand,
  runNowCommand,
  planActionsCommand,
  approveCommand,
  rejectCommand,
  clearCommand,
  syncApprovalsCommand,
  executeActionsCommand,
  actionLogCommand,
  rollbackActionsCommand,
  reconcileCommand,
  pauseAgentCommand,
  resumeAgentCommand,
  seedSandboxCommand,
  backtestCommand,
  simCommand,
  serveCommand,
  workerCommand,
  demoCommand,
  migrateCommand,
];

export function findCommand(name: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
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
