import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { UsageError } from '../lib/errors.js';

export type FlagSpec = {
  type: 'string' | 'boolean';
  multiple?: boolean;
  description: string;
  placeholder?: string;
};
export type FlagSpecs = Record<string, FlagSpec>;

/** Flags every command takes. */
export const COMMON_FLAGS: FlagSpecs = {
  json: { type: 'boolean', description: 'print exactly one JSON object on stdout' },
  help: { type: 'boolean', description: 'show this help' },
  'ad-account': {
    type: 'string',
    placeholder: 'ID',
    description: 'the agent to act on (act_… or digits); needed only when several are set up',
  },
};

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Strict parsing: an unknown flag, a missing value or a stray argument is a usage error naming it. */
export function parseFlags(
  argv: string[],
  flags: FlagSpecs,
  usage: string,
  allowPositionals: boolean,
): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...COMMON_FLAGS, ...flags })) {
    options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new UsageError(describeParseError(e as Error), usage);
  }
}

function describeParseError(e: Error): string {
  const code = (e as { code?: string }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(e.message)
        ? `${flag ?? 'a flag'} needs a value`
        : `${flag ?? 'a flag'} does not take a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']+)'/.exec(e.message)?.[1] ?? ''}`.trim();
    default:
      return e.message;
  }
}

/**
 * Validates parsed flag values with a command's zod schema; the first problem becomes a usage error
 * that names the flag (`--target-cpa must be a positive number`).
 */
export function validateFlags<T>(schema: z.ZodType<T>, input: unknown, usage: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path[0];
  const where = typeof key === 'string' ? (key === '_' ? 'arguments' : `--${key}`) : 'arguments';
  const missing =
    typeof key === 'string' && (input as Record<string, unknown> | undefined)?.[key] === undefined;
  throw new UsageError(missing ? `${where} is required` : `${where} ${issue.message}`, usage);
}
