import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

export const demoCommand = defineCommand({
  name: 'demo',
  summary: summaryOf('demo'),
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
