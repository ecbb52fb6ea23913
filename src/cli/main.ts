/**
 * The CLI front door. Parses argv, runs one command, renders text or --json. Exit codes: 0 success,
 * 1 operational failure, 2 usage error. Grows with the operations layer (src/ops).
 */
import { parseArgs } from 'node:util';
import { AppError, UsageError, toAppError } from '../lib/errors.js';

type Env = Record<string, string | undefined>;

async function simCommand(argv: string[]): Promise<number> {
  const usage = 'metabuyer sim --scenario FILE [--port N] [--latency-ms N]';
  let values: { scenario?: string; port?: string; 'latency-ms'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { scenario: { type: 'string' }, port: { type: 'string' }, 'latency-ms': { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message, usage);
  }
  if (!values.scenario) throw new UsageError('--scenario is required', usage);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535', usage);
  const latencyMs = values['latency-ms'] === undefined ? 0 : Number(values['latency-ms']);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new UsageError('--latency-ms must be >= 0', usage);
  const { startSimulator } = await import('../sim/index.js');
  const sim = await startSimulator({ scenarioPath: values.scenario, port, latencyMs });
  console.log(`listening on ${sim.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}

export async function main(argv: string[], _env: Env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'sim':
        return await simCommand(rest);
      default:
        throw new UsageError(`unknown command: ${command ?? '(none)'}`, 'metabuyer <command> [flags]');
    }
  } catch (e) {
    const err = toAppError(e);
    console.error(`error: ${err.message}`);
    if (err instanceof UsageError && err.usage) console.error(`usage: ${err.usage}`);
    return err instanceof UsageError ? 2 : err instanceof AppError ? 1 : 1;
  }
}
