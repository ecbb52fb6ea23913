import { parseArgs } from 'node:util';
import { z } from 'zod';
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

/** A command's flags with the common ones (its own description of a common flag wins). */
export function flagsOf(c: { flags: FlagSpecs; noAdAccount?: boolean }): FlagSpecs {
  const { 'ad-account': adAccount, ...common } = COMMON_FLAGS;
  return {
    ...c.flags,
    ...common,
    ...(c.noAdAccount ? {} : { 'ad-account': c.flags['ad-account'] ?? adAccount! }),
  };
}

/** Strict parsing of a command's full flag set (see flagsOf): an unknown flag, a missing value or a stray argument is a usage error naming it. */
export function parseFlags(
  argv: string[],
  flags: FlagSpecs,
  usage: string,
  allowPositionals: boolean,
): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(flags)) {
    options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) };
  }
  const args = attachValues(argv, options, usage);
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new UsageError(describeParseError(e as Error), usage);
  }
}

/**
 * `--target-cpa -5` is a value that happens to start with a dash: it is attached (`--target-cpa=-5`) so
 * the flag's own rules judge it ("must be above 0"). `--target-cpa --apply` is a flag with its value
 * missing, said plainly rather than node's "argument is ambiguous".
 */
function attachValues(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
  usage: string,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next?.startsWith('-')) {
      if (!NEGATIVE_NUMBER.test(next)) throw new UsageError(`--${name} needs a value (got ${next})`, usage);
      out.push(`${arg}=${next}`);
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

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

/**
 * A whole-number flag: plain digits only, so "0x10", "1e3", " " and "12abc" are refused rather than
 * read as 16, 1000, 0 and NaN by JavaScript's number parsing.
 */
export function wholeNumberFlag(min: number, max: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, range)
    .transform(Number)
    .pipe(z.number().min(min, range).max(max, range));
}

/**
 * A positive decimal flag (`120`, `45.50`, `1.8`): above zero and at most `max`, written in plain
 * digits (no exponent, hex or thousands separators), with at most `decimals` places.
 */
export function positiveDecimalFlag(opts: { max: number; example: string; decimals: number }) {
  const shape = `must be a positive number such as ${opts.example}`;
  return z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, shape)
    .refine((s) => !s.startsWith('-'), 'must be above 0')
    .refine((s) => Number(s) > 0, 'must be above 0')
    .refine((s) => Number(s) <= opts.max, `must be at most ${opts.max.toLocaleString('en-US')}`)
    .refine(
      (s) => (s.split('.')[1] ?? '').length <= opts.decimals,
      `takes at most ${opts.decimals} decimal places`,
    );
}

/** Target cost per purchase in the account currency's major units; a million is beyond any real target. */
export const targetCpaFlag = positiveDecimalFlag({ max: 1_000_000, example: '120 or 45.50', decimals: 2 });
/** Target return on ad spend; 100 (10,000 %) is beyond any real target. */
export const targetRoasFlag = positiveDecimalFlag({ max: 100, example: '1.8', decimals: 4 }).transform(
  Number,
);
