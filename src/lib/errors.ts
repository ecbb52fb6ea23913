/**
 * One error type for the whole product. Every failure an operator can meet carries a stable `code`,
 * a `verdict` that tells callers what to do about it, and a `message` written for the operator.
 * Meta's error taxonomy is mapped onto this in src/meta/errors.ts, and nowhere else.
 */
export type Verdict =
  /** A passing fault: the same call may succeed if tried again soon. */
  | 'retry'
  /** A rate limit or throttle: wait (see `retryAfterMs`), then try again. */
  | 'back_off'
  /** The credentials are expired, revoked or invalid: a person must reconnect. */
  | 'reauthenticate'
  /** The credentials lack a permission or the app lacks access: a person must grant it. */
  | 'permission'
  /** The request itself is wrong (bad input, bad state): trying again changes nothing. */
  | 'invalid';

export interface AppErrorOptions {
  code: string;
  verdict: Verdict;
  message: string;
  /** Extra facts for logs and --json output. Never put secrets here. */
  details?: Record<string, unknown>;
  retryAfterMs?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly verdict: Verdict;
  readonly details: Record<string, unknown>;
  readonly retryAfterMs: number | undefined;

  constructor(opts: AppErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = opts.code;
    this.verdict = opts.verdict;
    this.details = opts.details ?? {};
    this.retryAfterMs = opts.retryAfterMs;
  }

  get retryable(): boolean {
    return this.verdict === 'retry' || this.verdict === 'back_off';
  }

  toJSON(): { code: string; message: string; verdict: Verdict; details?: Record<string, unknown> } {
    const out: { code: string; message: string; verdict: Verdict; details?: Record<string, unknown> } = {
      code: this.code,
      message: this.message,
      verdict: this.verdict,
    };
    if (Object.keys(this.details).length > 0) out.details = this.details;
    return out;
  }
}

/** Bad input from a person (a flag, a reply, a modal field): exit code 2 on the CLI. */
export class UsageError extends AppError {
  readonly usage: string | undefined;
  constructor(message: string, usage?: string, details?: Record<string, unknown>) {
    super({ code: 'usage', verdict: 'invalid', message, ...(details ? { details } : {}) });
    this.name = 'UsageError';
    this.usage = usage;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Wraps anything thrown into an AppError without leaking its internals to the operator. */
export function toAppError(e: unknown, fallbackCode = 'internal'): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError({ code: fallbackCode, verdict: 'invalid', message, cause: e });
}
