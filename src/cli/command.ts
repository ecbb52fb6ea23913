import type { AppContext } from '../app/context.js';
import type { Actor } from '../domain/actor.js';
import type { FlagSpecs } from './args.js';

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

/** What a command's run() gets: the app context (opened on first use), the operator, the output. */
export interface CommandEnv {
  context(): Promise<AppContext>;
  /** Who is at the keyboard: the machine's operator (recorded as `cli:<user>`). */
  actor: Actor;
  io: CommandIO;
  /** True with --json: long-running commands must not print progress to stdout. */
  json: boolean;
}

export interface Command<I = unknown, R = unknown> {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpecs;
  positionals?: boolean;
  /**
   * True when the command writes only text already made safe: the demo, whose steps run through
   * main() (which escapes them) and whose own colour codes must reach the terminal.
   */
  rawOutput?: boolean;
  /** True for commands that act on no agent (init, sim…): they take no --ad-account. */
  noAdAccount?: boolean;
  /** Turns parsed flag values into the command's typed input; throws UsageError naming the flag. */
  parse(values: Record<string, unknown>, positionals: string[]): I;
  run(env: CommandEnv, input: I): Promise<R>;
  /** The text an operator reads. */
  text(result: R, input: I): string;
  /** The --json object (contract shapes); defaults to the result itself. */
  json?(result: R, input: I): unknown;
  /** Exit code for a result that ran but did not succeed (e.g. doctor with a failing check). */
  exitCode?(result: R): number;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds commands of every input and result type
export type AnyCommand = Command<any, any>;

export function defineCommand<I, R>(c: Command<I, R>): Command<I, R> {
  return c;
}
