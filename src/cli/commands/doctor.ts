import { z } from 'zod';
import { doctor } from '../../ops/doctor.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: summaryOf('doctor'),
  usage: 'metabuyer doctor [--ad-account ID] [--json]',
  flags: {},
  parse(values) {
    return validateFlags(z.object({ 'ad-account': z.string().optional() }), values, this.usage);
  },
  run: async (env, input) => doctor(await env.context(), { adAccount: input['ad-account'] }),
  text: (r) => r.checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`).join('\n'),
  exitCode: (r) => (r.checks.some((c) => c.status === 'fail') ? 1 : 0),
});
