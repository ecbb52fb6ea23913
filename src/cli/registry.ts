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
  workerCommand,
  demoCommand,
  migrateCommand,
];

export function findCommand(name: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
