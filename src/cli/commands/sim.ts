import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import { validateFlags, wholeNumberFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

export const simCommand = defineCommand({
  name: 'sim',
  summary: summaryOf('sim'),
  usage: 'metabuyer sim --scenario FILE [--port N] [--latency-ms N] [--json]',
  noAdAccount: true,
  flags: {
    scenario: {
      type: 'string',
      placeholder: 'FILE',
      description: 'scenario JSON (see examples/seed-demo.json)',
    },
    port: { type: 'string', placeholder: 'N', description: 'port on 127.0.0.1 (default: a free one)' },
    'latency-ms': { type: 'string', placeholder: 'N', description: 'added to every Graph response' },
  },
  parse(values) {
    return validateFlags(
      z.object({
        scenario: z.string().min(1),
        port: wholeNumberFlag(0, 65535).default(0),
        'latency-ms': wholeNumberFlag(0, 60_000).default(0),
      }),
      values,
      this.usage,
    );
  },
  async run(env, input) {
    const { startSimulator } = await import('../../sim/index.js');
    const sim = await startSimulator({
      scenarioPath: input.scenario,
      port: input.port,
      latencyMs: input['latency-ms'],
    }).catch((e: unknown) => {
      throw portProblem(e, input.port) ?? e;
    });
    env.io.out(env.json ? JSON.stringify({ listening: sim.url }) : `listening on ${sim.url}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    return { stopped: true as const, url: sim.url };
  },
  text: () => '',
  json: () => undefined,
});

/** A port that cannot be listened on, said as such (not as an internal error). */
function portProblem(e: unknown, port: number): AppError | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new AppError({
      code: 'port_in_use',
      verdict: 'invalid',
      message: `Port ${port} on 127.0.0.1 is already taken by another program: pick another with --port N, or leave --port out for a free one.`,
    });
  if (code === 'EACCES')
    return new AppError({
      code: 'port_not_allowed',
      verdict: 'invalid',
      message: `Port ${port} needs privileges this process does not have: pick one above 1023 with --port N.`,
    });
  return undefined;
}
