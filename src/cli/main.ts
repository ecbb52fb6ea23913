/**
 * The CLI front door onto src/ops. Parses argv, runs one command, renders text or --json (then exactly
 * one JSON object on stdout). Exit codes: 0 success, 1 operational failure, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { AppContext, ContextOverrides } from '../app/context.js';
import { databaseConnectionProblem, pgErrorOf, queryFailureText } from '../db/errors.js';
import { type Actor, cliActor } from '../domain/actor.js';
import { configSecrets, parseConfig } from '../lib/config.js';
import { AppError, toAppError, UsageError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { Redactor } from '../lib/redact.js';
import { flagsOf, parseFlags } from './args.js';
import type { AnyCommand, CommandIO } from './command.js';
import { visible } from './format.js';
import { COMMANDS, loadCommand, suggestCommand } from './registry.js';

type Env = Record<string, string | undefined>;

export interface MainOptions {
  io?: CommandIO;
  /** A context shared across calls (the demo, in-process tests); the caller closes it. */
  context?: AppContext;
  contextOverrides?: ContextOverrides;
  actor?: Actor;
}

const stdio: CommandIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export async function main(argv: string[], env: Env, opts: MainOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  // Text output carries names from Meta and operators' words: never let them drive the terminal.
  // JSON output escapes control characters itself.
  const raw = opts.io ?? stdio;
  const io: CommandIO = json ? raw : { out: (t) => raw.out(visible(t)), err: (t) => raw.err(visible(t)) };
  if (name === '--version' || name === '-v' || name === 'version') {
    const v = packageVersion();
    io.out(json ? JSON.stringify({ version: v }) : `metabuyer ${v}`);
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest.find((a) => !a.startsWith('-')) : undefined;
    const cmd = topic ? await loadCommand(topic) : undefined;
    io.out(cmd ? commandHelp(cmd) : overview());
    return topic && !cmd ? 2 : 0;
  }
  // Only the module of the command being run is loaded (see registry.ts).
  const command = await loadCommand(name);
  let context: AppContext | undefined = opts.context;
  try {
    if (!command) {
      const guess = suggestCommand(name);
      throw new UsageError(
        `unknown command "${name}"${guess ? `; did you mean ${guess}?` : ''}`,
        'metabuyer <command> [flags]; see `metabuyer help`',
      );
    }
    const parsed = parseFlags(rest, flagsOf(command), command.usage, command.positionals === true);
    if (parsed.values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const input = command.parse(parsed.values, parsed.positionals);
    const config = context?.config ?? parseConfig(env);
    const result = await command.run(
      {
        context: async () => {
          // Loaded here, not at start: help and usage errors never pay for it.
          const { createAppContext } = await import('../app/context.js');
          // Operators read the command's own output, errors included; structured logs stay quiet unless LOG_LEVEL asks.
          context ??= createAppContext(config, {
            logger: createLogger({
              level: env.LOG_LEVEL ? config.logLevel : 'error',
              redactor: new Redactor(configSecrets(config)),
            }),
            ...opts.contextOverrides,
          });
          return context;
        },
        actor: opts.actor ?? cliActor(safeUser()),
        io: command.rawOutput ? raw : io,
        json,
      },
      input,
    );
    if (json) {
      const out = command.json ? command.json(result, input) : result;
      if (out !== undefined) io.out(JSON.stringify(out));
    } else {
      const text = command.text(result, input);
      if (text) io.out(text);
    }
    return command.exitCode ? command.exitCode(result) : 0;
  } catch (e) {
    return reportError(e, io, json, context);
  } finally {
    if (context && !opts.context) await context.close().catch(() => {});
  }
}

function reportError(e: unknown, io: CommandIO, json: boolean, context: AppContext | undefined): number {
  const err = explain(e);
  const usage = err instanceof UsageError ? err.usage : undefined;
  const redact = (s: string) => (context ? context.redactor.string(s) : s);
  const message = redact(err.message);
  if (!(err instanceof UsageError)) {
    // The stack and the driver's own words are for whoever debugs (LOG_LEVEL=debug); the operator
    // reads the one-line message.
    context?.logger.debug('command failed', { code: err.code, err: e });
  }
  if (json) {
    io.out(JSON.stringify({ error: { code: err.code, message, ...(usage ? { usage } : {}) } }));
  } else {
    io.err(`error: ${message}`);
    if (usage) io.err(`usage: ${usage}`);
  }
  return err instanceof UsageError ? 2 : err instanceof AppError ? 1 : 1;
}

/** Turns failures an operator can fix into errors that say how. */
function explain(e: unknown): AppError {
  const pg = pgErrorOf(e);
  if (pg?.code === '42P01') {
    return new AppError({
      code: 'db_not_initialised',
      verdict: 'invalid',
      message: 'The database is not initialised yet: run `metabuyer init` first.',
    });
  }
  const name = (e as Error | undefined)?.name;
  if (name === 'MaxRetriesPerRequestError' || /^Connection is closed/.test(String((e as Error)?.message))) {
    return new AppError({
      code: 'redis_unreachable',
      verdict: 'retry',
      message:
        'Cannot reach Redis at REDIS_URL, which holds the shared Meta rate-limit state: start Redis, or unset REDIS_URL to run without it. Nothing was changed.',
    });
  }
  const db = databaseConnectionProblem(e);
  if (db) return new AppError({ code: db.code, verdict: 'retry', message: db.message, cause: e });
  const query = queryFailureText(e);
  if (query) return new AppError({ code: 'internal', verdict: 'invalid', message: query, cause: e });
  return toAppError(e);
}

/** The version in package.json, read from the checkout or the installed package. */
function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'metabuyer' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next candidate
    }
  }
  return 'unknown';
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'operator';
  }
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'MetaBuyer — Meta Ads operations agent that acts only with your consent.',
    '',
    'usage: metabuyer <command> [flags]   (every command takes --json and --help)',
    '       metabuyer --version',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 success, 1 operational failure, 2 usage error.',
  ].join('\n');
}

function commandHelp(c: AnyCommand): string {
  const flags = flagsOf(c);
  const names = Object.entries(flags).map(([n, s]) => [
    `--${n}${s.placeholder ? ` ${s.placeholder}` : ''}`,
    s.description,
  ]);
  const width = Math.max(...names.map(([n]) => n!.length));
  return [
    `${c.name}: ${c.summary}`,
    '',
    `usage: ${c.usage}`,
    '',
    ...names.map(([n, d]) => `  ${n!.padEnd(width)}  ${d}`),
  ].join('\n');
}
