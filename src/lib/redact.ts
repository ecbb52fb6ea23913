/**
 * Secret redaction, by key and by value. Used by the logger, by error rendering, and by the simulator's
 * call log, so that a token can never leave the process in any of the shapes Meta and Slack use.
 */
export const REDACTED = '[REDACTED]';

/** Object keys whose values are always secret, whatever they look like. */
const SECRET_KEY =
  /(^|[_-])(access[_-]?token|token|secret|client[_-]?secret|app[_-]?secret|signing[_-]?secret|password|passwd|authorization|cookie|appsecret[_-]?proof|api[_-]?key|encryption[_-]?key|private[_-]?key|input[_-]?token|fb[_-]?exchange[_-]?token)$/i;
const SECRET_KEY_CAMEL =
  /(token|secret|password|authorization|apikey|encryptionkey|privatekey|appsecretproof)$/i;

/** Value shapes that are secrets wherever they appear inside a string. */
const VALUE_PATTERNS: Array<[RegExp, string]> = [
  // query-string or form parameters that carry secrets
  [
    /((?:^|[?&\s"'])(?:access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|code|token)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  ],
  // Authorization headers
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  // Slack tokens: bot, user, app, config, refresh
  [/\bxox[abposre]-[A-Za-z0-9-]{6,}/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, REDACTED],
  // Meta access tokens start with EAA
  [/\bEAA[A-Za-z0-9]{8,}/g, REDACTED],
  // app access tokens: <app id>|<app secret>
  [/\b\d{6,20}\|[A-Za-z0-9_-]{8,}/g, REDACTED],
];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_CAMEL.test(key);
}

/**
 * A redactor that also knows the literal secret values of this process (from config), so a signing
 * secret or app secret with no recognisable shape is still removed.
 */
export class Redactor {
  private literals: string[] = [];

  constructor(literals: Iterable<string | undefined> = []) {
    for (const l of literals) this.addLiteral(l);
  }

  addLiteral(value: string | undefined): void {
    if (value && value.length >= 6 && !this.literals.includes(value)) {
      this.literals.push(value);
      this.literals.sort((a, b) => b.length - a.length);
    }
  }

  string(input: string): string {
    let out = input;
    for (const lit of this.literals) out = out.split(lit).join(REDACTED);
    for (const [re, replacement] of VALUE_PATTERNS) out = out.replace(re, replacement);
    return out;
  }

  /** Deep copy with secrets removed. Handles cycles, Errors, Maps, Buffers and Dates. */
  value(input: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
    if (typeof input === 'string') return this.string(input);
    if (input === null || typeof input !== 'object') return input;
    if (input instanceof Date) return input.toISOString();
    if (Buffer.isBuffer(input)) return `[Buffer ${input.length} bytes]`;
    if (seen.has(input)) return '[Circular]';
    seen.add(input);
    if (input instanceof Error) {
      const out: Record<string, unknown> = { name: input.name, message: this.string(input.message) };
      for (const [k, v] of Object.entries(input)) out[k] = isSecretKey(k) ? REDACTED : this.value(v, seen);
      if (input.stack) out.stack = this.string(input.stack);
      if (input.cause !== undefined) out.cause = this.value(input.cause, seen);
      return out;
    }
    if (input instanceof Map) return this.value(Object.fromEntries(input), seen);
    if (Array.isArray(input)) return input.map((v) => this.value(v, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : this.value(v, seen);
    }
    return out;
  }
}

export const defaultRedactor = new Redactor();

export function redactString(s: string): string {
  return defaultRedactor.string(s);
}

export function redact<T>(v: T): unknown {
  return defaultRedactor.value(v);
}
