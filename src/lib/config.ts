import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.js';

/**
 * The environment contract (../shared/ARCHITECTURE.md), parsed once at start into a frozen Config
 * that is passed down. Nothing below src/cli and src/main reads process.env.
 */
const SECRET_VARS = new Set([
  'META_APP_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'METABUYER_ENCRYPTION_KEY',
]);

/** Slack's OAuth install needs all three; any other combination is a half-done setup. */
const SLACK_OAUTH_VARS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

const httpUrl = (what: string) =>
  z.string().refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, `must be an http(s) URL such as ${what}`);

/** Where a test may kill a process running the write path (../shared/ARCHITECTURE.md, crash points). */
export const CRASH_POINTS = ['after_claim', 'after_intent', 'after_write', 'after_readback'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const envSchema = z.object({
  METABUYER_HOME: optional(z.string().min(1)),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// connection URL'),
  ),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')),
  META_GRAPH_URL: optional(httpUrl('https://graph.facebook.com')),
  META_API_VERSION: optional(z.string().regex(/^v\d{1,3}\.0$/, 'must look like v26.0')),
  META_OAUTH_DIALOG_URL: optional(httpUrl('https://www.facebook.com')),
  PUBLIC_URL: optional(httpUrl('https://metabuyer.example.com')),
  META_APP_ID: optional(z.string().regex(/^\d{1,20}$/, 'must be the numeric Meta app id')),
  META_APP_SECRET: optional(z.string().min(8, 'must be at least 8 characters')),
  SLACK_SIGNING_SECRET: optional(z.string().min(8, 'must be at least 8 characters')),
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-')),
  SLACK_API_URL: optional(httpUrl('https://slack.com/api/')),
  SLACK_APP_TOKEN: optional(
    z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp- (Socket Mode)'),
  ),
  SLACK_CLIENT_ID: optional(
    z
      .string()
      .regex(/^\d{1,20}\.\d{1,20}$/, 'must be the Slack app Client ID, such as 1234567890.1234567890'),
  ),
  SLACK_CLIENT_SECRET: optional(z.string().min(8, 'must be at least 8 characters')),
  SLACK_STATE_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  METABUYER_ENCRYPTION_KEY: optional(z.string().min(1)),
  PORT: optional(
    z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535'),
  ),
  METRICS_PORT: optional(
    z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535 (0: a free port)')
      .max(65535, 'must be between 0 and 65535 (0: a free port)'),
  ),
  METABUYER_QUEUE_PREFIX: optional(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
  ),
  WORKER_SHUTDOWN_TIMEOUT_MS: optional(
    z.coerce
      .number({ message: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(0, 'must be between 0 and 600000')
      .max(600_000, 'must be between 0 and 600000'),
  ),
  METABUYER_QUEUE_WAIT_MS: optional(
    z.coerce
      .number({ message: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(0, 'must be between 0 and 600000')
      .max(600_000, 'must be between 0 and 600000'),
  ),
  LOG_LEVEL: optional(z.enum(['debug', 'info', 'warn', 'error', 'silent'])),
  METABUYER_LOCK_WAIT_SECONDS: optional(
    z.coerce
      .number({ message: 'must be a number of seconds' })
      .min(0, 'must be between 0 and 3600')
      .max(3600, 'must be between 0 and 3600'),
  ),
  // Tests only (not in the README): kill the process with SIGKILL at one point of the write path.
  METABUYER_ALLOW_CRASH_POINTS: optional(z.string()),
  METABUYER_CRASH_AT: optional(z.enum(CRASH_POINTS)),
  METABUYER_LEASE_MS: optional(
    z.coerce
      .number({ message: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(500, 'must be at least 500')
      .max(3_600_000, 'must be at most 3600000'),
  ),
});

export interface Config {
  /** Embedded data (PGlite, generated key) lives here. */
  readonly home: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly meta: {
    readonly graphUrl: string;
    readonly apiVersion: string;
    readonly appId: string | undefined;
    readonly appSecret: string | undefined;
    /** Where the Facebook Login dialog lives (Connect with Facebook). */
    readonly oauthDialogUrl: string;
  };
  readonly slack: {
    readonly signingSecret: string | undefined;
    readonly botToken: string | undefined;
    readonly apiUrl: string;
    /**
     * The app-level token (xapp-…, scope connections:write): when set, `serve` receives Slack's traffic
     * over Socket Mode instead of HTTP requests (local development: no public URL needed).
     */
    readonly appToken: string | undefined;
    /**
     * Multi-workspace install through Slack's OAuth (`/slack/install`); undefined in single-workspace
     * mode, where SLACK_BOT_TOKEN is the one bot token.
     */
    readonly oauth:
      | {
          readonly clientId: string;
          readonly clientSecret: string;
          /** Signs the OAuth `state` parameter (CSRF protection of the install flow). */
          readonly stateSecret: string;
        }
      | undefined;
  };
  /** The raw key spec; turned into a Keyring by loadKeyring (which may generate one in embedded mode). */
  readonly encryptionKey: string | undefined;
  readonly port: number;
  /** The address Slack and Meta redirect browsers to (`/meta/oauth/callback`…), without a trailing slash. */
  readonly publicUrl: string | undefined;
  readonly worker: {
    /** `/metrics` and `/healthz` of `metabuyer worker`; never PORT, which belongs to `serve`. */
    readonly metricsPort: number;
    /** BullMQ key prefix (queues, schedulers); tests give each run its own. */
    readonly queuePrefix: string;
    /** How long a stopping worker lets in-flight jobs finish before it closes anyway. */
    readonly shutdownTimeoutMs: number;
    /** How long the CLI waits for a worker to finish the job it queued (run-now, execute, rollback). */
    readonly queueWaitMs: number;
  };
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Embedded mode: how long a process waits for another one holding METABUYER_HOME. */
  readonly lockWaitMs: number;
  readonly writePath: {
    /** Tests only: the point where a process running the write path kills itself (SIGKILL). */
    readonly crashAt: CrashPoint | undefined;
    /** A process whose heartbeat is older than this is dead: its claims may be reconciled. */
    readonly leaseMs: number;
    /** How often a process renews its lease. */
    readonly heartbeatMs: number;
  };
}

export const DEFAULT_LEASE_MS = 30_000;

export function parseConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      // zod messages never include the received value here; secrets are named, never echoed.
      const hint = SECRET_VARS.has(name) ? ' (value not shown: it is a secret)' : '';
      return `${name} ${issue.message}${hint}`;
    });
    throw new AppError({
      code: 'config_invalid',
      verdict: 'invalid',
      message: `Invalid configuration: ${problems.join('; ')}`,
      details: { variables: result.error.issues.map((i) => String(i.path[0])) },
    });
  }
  const e = result.data;
  const oauthSet = SLACK_OAUTH_VARS.filter((name) => e[name] !== undefined);
  if (oauthSet.length > 0 && oauthSet.length < SLACK_OAUTH_VARS.length) {
    const missing = SLACK_OAUTH_VARS.filter((name) => e[name] === undefined);
    throw new AppError({
      code: 'config_invalid',
      verdict: 'invalid',
      message: `Invalid configuration: the Slack install (OAuth) needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together; ${oauthSet.join(', ')} ${oauthSet.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. Set all three, or none for single-workspace mode (SLACK_BOT_TOKEN).`,
      details: { variables: missing },
    });
  }
  const config: Config = {
    home: path.resolve(cwd, e.METABUYER_HOME ?? '.metabuyer'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    meta: {
      graphUrl: (e.META_GRAPH_URL ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
      apiVersion: e.META_API_VERSION ?? 'v26.0',
      appId: e.META_APP_ID,
      appSecret: e.META_APP_SECRET,
      oauthDialogUrl: (e.META_OAUTH_DIALOG_URL ?? 'https://www.facebook.com').replace(/\/+$/, ''),
    },
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      apiUrl: withTrailingSlash(e.SLACK_API_URL ?? 'https://slack.com/api/'),
      appToken: e.SLACK_APP_TOKEN,
      oauth:
        e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
          ? {
              clientId: e.SLACK_CLIENT_ID,
              clientSecret: e.SLACK_CLIENT_SECRET,
              stateSecret: e.SLACK_STATE_SECRET,
            }
          : undefined,
    },
    encryptionKey: e.METABUYER_ENCRYPTION_KEY,
    port: e.PORT ?? 3000,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    worker: {
      metricsPort: e.METRICS_PORT ?? 9464,
      queuePrefix: e.METABUYER_QUEUE_PREFIX ?? 'metabuyer',
      shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS ?? 30_000,
      queueWaitMs: e.METABUYER_QUEUE_WAIT_MS ?? 120_000,
    },
    logLevel: e.LOG_LEVEL ?? 'info',
    lockWaitMs: Math.round((e.METABUYER_LOCK_WAIT_SECONDS ?? 30) * 1000),
    writePath: {
      // The crash point is honoured only when crash points are explicitly allowed.
      crashAt: e.METABUYER_ALLOW_CRASH_POINTS === '1' ? e.METABUYER_CRASH_AT : undefined,
      leaseMs: e.METABUYER_LEASE_MS ?? DEFAULT_LEASE_MS,
      heartbeatMs: Math.max(200, Math.floor((e.METABUYER_LEASE_MS ?? DEFAULT_LEASE_MS) / 4)),
    },
  };
  return deepFreeze(config);
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The literal secret values of a config, for the log redactor. */
export function configSecrets(config: Config): string[] {
  return [
    config.meta.appSecret,
    config.slack.signingSecret,
    config.slack.botToken,
    config.slack.appToken,
    config.slack.oauth?.clientSecret,
    config.slack.oauth?.stateSecret,
    config.encryptionKey,
  ].filter((s): s is string => typeof s === 'string');
}
