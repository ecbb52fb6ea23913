import { z } from 'zod';

/**
 * Who is acting, and through which front door. Every op takes one; the policy (./policy.ts) decides
 * what it may do. Ids are validated at the boundary: Slack ids have Slack's shape and a bounded length,
 * so an id like `U'); DROP…` or a 10 000-character string is refused before it reaches a roster or a row.
 */
export type ActorSource = 'cli' | 'slack' | 'worker';

export interface Actor {
  readonly source: ActorSource;
  /** cli: the OS user; slack: the Slack user id (U…/W…); worker: the job kind (`poll`, `execute`…). */
  readonly id: string;
  /** The Slack workspace (T…/E…) a Slack actor acts from; null for the CLI and the worker. */
  readonly workspaceId: string | null;
  /** For messages only; never used to decide anything. */
  readonly displayName: string;
}

export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
export const SLACK_TEAM_ID = /^[TE][A-Z0-9]{2,20}$/;
const LOCAL_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

const displayName = z
  .string()
  .max(80)
  .transform((s) => s.replace(/\p{Cc}/gu, ''));

export const actorSchema = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('cli'),
    id: z.string().regex(LOCAL_NAME, 'must be a local user name'),
    workspaceId: z.null(),
    displayName,
  }),
  z.object({
    source: z.literal('slack'),
    id: z.string().regex(SLACK_USER_ID, 'must be a Slack user id (U… or W…)'),
    workspaceId: z.string().regex(SLACK_TEAM_ID, 'must be a Slack workspace id (T… or E…)'),
    displayName,
  }),
  z.object({
    source: z.literal('worker'),
    id: z.string().regex(LOCAL_NAME, 'must name the job kind'),
    workspaceId: z.null(),
    displayName,
  }),
]);

/** The person at this machine's keyboard: the machine's operator (see the README). */
export function cliActor(user: string): Actor {
  const id = LOCAL_NAME.test(user) ? user : 'operator';
  return actorSchema.parse({ source: 'cli', id, workspaceId: null, displayName: id });
}

/** A Slack user in a workspace; throws a ZodError for ids that are not Slack's shape. */
export function slackActor(userId: string, workspaceId: string, name?: string): Actor {
  return actorSchema.parse({ source: 'slack', id: userId, workspaceId, displayName: name ?? userId });
}

/** A scheduled or queued job acting on work someone already asked for. */
export function workerActor(job: string): Actor {
  return actorSchema.parse({ source: 'worker', id: job, workspaceId: null, displayName: `worker (${job})` });
}

/** How an actor is recorded in rows and logs: `cli:alice`, `slack:U123`, `worker:poll`. */
export function actorLabel(a: Actor): string {
  return `${a.source}:${a.id}`;
}
