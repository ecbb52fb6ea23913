import { defaultRedactor, type Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go. Defaults to stderr so stdout stays clean for --json output. */
  write?: (line: string) => void;
  redactor?: Redactor;
  bindings?: Record<string, unknown>;
  now?: () => Date;
}

/**
 * A structured JSON-lines logger. Every line passes through the redactor — message and fields — so
 * secrets are removed by key (`access_token`, `signingSecret`…) and by shape (EAA…, xoxb-…, Bearer …,
 * access_token=…), whatever the caller passed.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const redactor = opts.redactor ?? defaultRedactor;
  const bindings = opts.bindings ?? {};
  const now = opts.now ?? (() => new Date());

  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record = redactor.value({ ...bindings, ...fields }) as Record<string, unknown>;
    write(JSON.stringify({ time: now().toISOString(), level: lvl, msg: redactor.string(msg), ...record }));
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (b) => createLogger({ ...opts, level, write, redactor, bindings: { ...bindings, ...b } }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
