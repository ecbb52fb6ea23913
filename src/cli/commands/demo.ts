import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'walk the whole cycle on the built-in simulator and a temporary embedded database',
  usage: 'metabuyer demo',
  rawOutput: true,
  noAdAccount: true,
  flags: {},
  parse(values) {
    if (values.json)
      throw new UsageError('demo prints a walkthrough for people; it has no --json form', this.usage);
    return {};
  },
  async run(env) {
    const { runDemo } = await import('../../demo/run.js');
    return { code: await runDemo({ out: (t) => env.io.out(t) }) };
  },
  text: () => '',
  exitCode: (r) => r.code,
});
