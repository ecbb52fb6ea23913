import { z } from 'zod';

/**
 * What the queues carry, kept apart from what handles it: a job definition is a name, the queue it
 * travels on, a payload version and the zod schema its payload must pass before any handler sees it.
 * Payloads hold ids only — never a token, an amount to write or a message text — so a job read from
 * Redis (or left there by an older release) can never make the worker act on stale or secret data:
 * the handler loads the facts from Postgres by id.
 */
export const QUEUE_NAMES = ['poll', 'execute', 'rollback', 'slack', 'maintenance', 'reconcile'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** The BullMQ job name; unique across queues. */
  readonly name: string;
  readonly queue: QueueName;
  /** Bumped when the payload changes shape; a payload of another version is refused, not guessed at. */
  readonly version: number;
  readonly schema: S;
}

export type PayloadOf<D extends JobDefinition> = z.output<D['schema']>;

/** The fields every payload carries: its definition's version. */
const versioned = <V extends number, T extends z.ZodRawShape>(version: V, shape: T) =>
  z.strictObject({ v: z.literal(version), ...shape });

// Ids are our own prefixed ids (src/lib/ids.ts); anything else is refused before it reaches a query.
const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `must be a ${prefix}_… id`);
export const agentIdSchema = idOf('agent');

export function defineJob<S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> {
  return Object.freeze(d);
}

/**
 * Poll one agent: read Meta, store the run, recommend, plan, and hand the report to the slack queue.
 * Scheduled jobs carry only `agentId` (the scheduler's template); the slot they were due at is the job's
 * own (see pollSlotOf).
 */
export const pollAgentJob = defineJob({
  name: 'poll-agent',
  queue: 'poll',
  version: 1,
  schema: versioned(1, {
    agentId: agentIdSchema,
    /** When set, the slot this poll stands for (ms since epoch); manual polls set it. */
    slotMs: z.number().int().positive().optional(),
  }),
});

/** Post a run's report and its plan's approval queue to the agent's Slack channel. */
export const postReportJob = defineJob({
  name: 'post-report',
  queue: 'slack',
  version: 1,
  schema: versioned(1, {
    agentId: agentIdSchema,
    runId: idOf('run'),
    /** Null when planning failed or found nothing to plan: the report is posted without a queue. */
    planId: idOf('plan').nullable(),
  }),
});

const confirmationIdSchema = idOf('conf');

/**
 * `metabuyer run-now` handed to a worker (REDIS_URL set): poll one agent as the operator who typed it.
 * The operator is named by their local user name (an id), never a credential.
 */
export const runNowJob = defineJob({
  name: 'run-now',
  queue: 'poll',
  version: 1,
  schema: versioned(1, {
    agentId: agentIdSchema,
    operator: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be a local user name'),
  }),
});

/** Run a recorded execute confirmation (runConfirmation): exactly its targets, idempotent. */
export const executeJob = defineJob({
  name: 'execute-confirmation',
  queue: 'execute',
  version: 1,
  schema: versioned(1, { confirmationId: confirmationIdSchema }),
});

/** Run a recorded rollback confirmation (runConfirmation). */
export const rollbackJob = defineJob({
  name: 'rollback-confirmation',
  queue: 'rollback',
  version: 1,
  schema: versioned(1, { confirmationId: confirmationIdSchema }),
});

/** Settle writes whose owner died and give abandoned confirmations back (reconcile). */
export const reconcileJob = defineJob({
  name: 'reconcile',
  queue: 'reconcile',
  version: 1,
  schema: versioned(1, {}),
});

/** Post a finished confirmation's results in its plan's thread and refresh the approval queue there. */
export const postResultsJob = defineJob({
  name: 'post-results',
  queue: 'slack',
  version: 1,
  schema: versioned(1, { confirmationId: confirmationIdSchema }),
});

/**
 * Re-render one approval-queue message closed (superseded, expired or executed: buttons gone, why said,
 * decisions kept). Idempotent by the state the message records as shown (slack_messages.shown_state).
 */
export const closeQueueJob = defineJob({
  name: 'close-queue',
  queue: 'slack',
  version: 1,
  schema: versioned(1, { messageId: idOf('msg') }),
});

/** Every minute: find queue messages still shown open whose plan was superseded or expired; close each. */
export const queueSweepJob = defineJob({
  name: 'queue-sweep',
  queue: 'slack',
  version: 1,
  schema: versioned(1, {}),
});

/** Post a message recorded in the outbox (topic slack.connection_warning): the row holds channel and text. */
export const postOutboxMessageJob = defineJob({
  name: 'post-outbox-message',
  queue: 'slack',
  version: 1,
  schema: versioned(1, { outboxId: idOf('obx') }),
});

/** The daily sweep: one maintain-token job per connection, and the purge of spent OAuth logins. */
export const maintenanceSweepJob = defineJob({
  name: 'maintenance-sweep',
  queue: 'maintenance',
  version: 1,
  schema: versioned(1, {}),
});

/** Check (and refresh or warn about) one Meta connection's token. */
export const maintainTokenJob = defineJob({
  name: 'maintain-token',
  queue: 'maintenance',
  version: 1,
  schema: versioned(1, { connectionId: idOf('conn') }),
});

/** Delete OAuth logins (grants, states) that expired. */
export const purgeOAuthLoginsJob = defineJob({
  name: 'purge-oauth-logins',
  queue: 'maintenance',
  version: 1,
  schema: versioned(1, {}),
});

/** Every definition this build knows. */
export const JOB_DEFINITIONS: readonly JobDefinition[] = [
  pollAgentJob,
  postReportJob,
  runNowJob,
  executeJob,
  rollbackJob,
  reconcileJob,
  postResultsJob,
  postOutboxMessageJob,
  closeQueueJob,
  queueSweepJob,
  maintenanceSweepJob,
  maintainTokenJob,
  purgeOAuthLoginsJob,
];

/**
 * BullMQ refuses custom job ids containing ':' (its own key separator) and ids that are plain integers
 * (reserved for its counter). Ids built here use '-' between parts and always start with a word.
 */
export function jobIdOf(...parts: Array<string | number>): string {
  const id = parts.map(String).join('-');
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(id)) {
    throw new Error(
      `job id "${id}" may hold only letters, digits, '_', '.', '-' and must start with a letter`,
    );
  }
  return id;
}
