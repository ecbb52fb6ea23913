import type { JobType } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../app/context.js';
import { closeConnection, producerConnection, within, workerConnection } from '../jobs/connection.js';
import type { QueueName } from '../jobs/definitions.js';
import {
  closeQueueJob,
  executeJob,
  jobIdOf,
  maintainTokenJob,
  maintenanceSweepJob,
  pollAgentJob,
  postOutboxMessageJob,
  postReportJob,
  postResultsJob,
  purgeOAuthLoginsJob,
  queueSweepJob,
  reconcileJob,
  rollbackJob,
  runNowJob,
} from '../jobs/definitions.js';
import { closeQueueHandler, queueSweepHandler } from '../jobs/handlers/close-queue.js';
import { pollHandler } from '../jobs/handlers/poll.js';
import { postReportHandler } from '../jobs/handlers/post-report.js';
import {
  confirmationHandler,
  maintainTokenHandler,
  maintenanceSweepHandler,
  postOutboxMessageHandler,
  postResultsHandler,
  purgeOAuthLoginsHandler,
  reconcileHandler,
  runNowHandler,
} from '../jobs/handlers/write-path.js';
import { handle, JobHost, type JobRegistration, type QueueSettings } from '../jobs/host.js';
import { type OutboxRelay, startOutboxRelay } from '../jobs/outbox-relay.js';
import { BullPollSchedules } from '../jobs/poll-schedules.js';
import { defaultJobOptions, JobQueues } from '../jobs/queues.js';
import { AppError } from '../lib/errors.js';
import { processIdentity, stopProcessIdentity } from '../ops/process-identity.js';
import { botTokenForWorkspace } from '../slack/oauth/bot-token.js';
import { type SlackPoster, WebApiPoster } from '../slack/poster.js';
import { blockKitRenderer } from '../slack/report-blocks.js';
import type { ReportRenderer } from '../slack/report-view.js';
import { type MetricsServer, probe, startMetricsServer } from './http.js';
import { WorkerMetrics } from './metrics.js';

export interface StartWorkerOptions {
  /** BullMQ key prefix; default config.worker.queuePrefix. Tests give each test its own. */
  prefix?: string;
  /** Port for /metrics and /healthz; default config.worker.metricsPort; null: no HTTP server. */
  metricsPort?: number | null;
  metricsHost?: string;
  /** Pass the one the context's Meta logger counts into (WorkerMetrics.metaLogger). */
  metrics?: WorkerMetrics;
  /** Replaces the Slack Web API poster (default: WebApiPoster with SLACK_BOT_TOKEN at SLACK_API_URL). */
  poster?: SlackPoster;
  renderer?: ReportRenderer;
  /** More handlers: execute, rollback, reconcile, the outbox relay plug in here. */
  registrations?: readonly JobRegistration[];
  settings?: Partial<Record<QueueName, QueueSettings>>;
  /** Per-channel spacing of Slack posts (tests shorten it). */
  slackSpacingMs?: number;
  /** How often the outbox relay looks for work (default 1 s). */
  relayIntervalMs?: number;
  /** How often reconcile runs (default every minute). */
  reconcileEveryMs?: number;
  /** How often the sweep looks for approval queues to close (default every minute). */
  queueSweepEveryMs?: number;
}

/** Reconcile runs every minute; the token sweep once a day. */
export const RECONCILE_EVERY_MS = 60_000;
/** Expired and superseded approval queues are looked for every minute. */
export const QUEUE_SWEEP_EVERY_MS = 60_000;
export const MAINTENANCE_EVERY_MS = 24 * 3600_000;

export interface RunningWorker {
  readonly prefix: string;
  readonly queues: JobQueues;
  readonly schedules: BullPollSchedules;
  readonly metrics: WorkerMetrics;
  readonly http: MetricsServer | undefined;
  /**
   * Stops taking jobs, lets the ones in hand finish within `deadlineMs` (default
   * config.worker.shutdownTimeoutMs), then closes the HTTP server and Redis. The caller closes the
   * context (Postgres). Resolves whether every job finished in time.
   */
  close(deadlineMs?: number): Promise<boolean>;
}

/**
 * `metabuyer worker`, as a function: rebuilds poll schedules from Postgres, starts a BullMQ worker for
 * every queue that has handlers, and serves metrics and health.
 */
export async function startWorker(ctx: AppContext, opts: StartWorkerOptions = {}): Promise<RunningWorker> {
  const { config } = ctx;
  if (!config.redisUrl) {
    throw new AppError({
      code: 'redis_required',
      verdict: 'invalid',
      message: 'The worker needs REDIS_URL (its queues live in Redis).',
    });
  }
  const prefix = opts.prefix ?? config.worker.queuePrefix;
  const logger = ctx.logger.child({ component: 'worker' });
  const metrics = opts.metrics ?? new WorkerMetrics(logger);
  // Workers block on Redis and must ride out its restarts; everything else should fail fast and say so.
  const consumer = workerConnection(config.redisUrl, 'metabuyer-worker', logger);
  const producer = producerConnection(config.redisUrl, 'metabuyer-worker-producer', logger);
  const queues = new JobQueues(producer, prefix);
  const database = () => ctx.database();
  const schedules = new BullPollSchedules({
    queue: queues.queue('poll'),
    database,
    clock: ctx.clock,
    logger: logger.child({ component: 'schedules' }),
  });
  metrics.watchQueues(
    queues
      .all()
      .map((q) => ({ name: q.name, getJobCounts: (...t: string[]) => q.getJobCounts(...(t as JobType[])) })),
  );

  const poster =
    opts.poster ??
    (config.slack.botToken
      ? new WebApiPoster({
          botToken: config.slack.botToken,
          apiUrl: config.slack.apiUrl,
          logger: logger.child({ component: 'slack' }),
        })
      : undefined);
  // Multi-workspace mode: each agent's reports go out with its own workspace's bot token.
  const posterFor =
    !opts.poster && config.slack.oauth
      ? async (workspaceId: string | null) =>
          new WebApiPoster({
            botToken: await botTokenForWorkspace(ctx, workspaceId),
            apiUrl: config.slack.apiUrl,
            logger: logger.child({ component: 'slack' }),
          })
      : undefined;
  const slackDeps = {
    poster,
    redis: producer,
    prefix,
    metrics,
    ...(opts.slackSpacingMs !== undefined ? { spacingMs: opts.slackSpacingMs } : {}),
  };
  const registrations: JobRegistration[] = [
    handle(pollAgentJob, pollHandler({ ctx, schedules, metrics })),
    handle(
      postReportJob,
      postReportHandler({
        database,
        poster,
        ...(posterFor ? { posterFor } : {}),
        renderer: opts.renderer ?? blockKitRenderer,
        redis: producer,
        prefix,
        clock: ctx.clock,
        metrics,
        ...(opts.slackSpacingMs !== undefined ? { spacingMs: opts.slackSpacingMs } : {}),
      }),
    ),
    handle(runNowJob, runNowHandler(ctx)),
    handle(executeJob, confirmationHandler(ctx)),
    handle(rollbackJob, confirmationHandler(ctx)),
    handle(reconcileJob, reconcileHandler(ctx)),
    handle(postResultsJob, postResultsHandler(ctx, slackDeps)),
    handle(postOutboxMessageJob, postOutboxMessageHandler(ctx, slackDeps)),
    handle(closeQueueJob, closeQueueHandler(ctx, { poster, ...(posterFor ? { posterFor } : {}), metrics })),
    handle(queueSweepJob, queueSweepHandler(ctx)),
    handle(maintenanceSweepJob, maintenanceSweepHandler(ctx)),
    handle(maintainTokenJob, maintainTokenHandler(ctx)),
    handle(purgeOAuthLoginsJob, purgeOAuthLoginsHandler(ctx)),
    ...(opts.registrations ?? []),
  ];
  const host = new JobHost({
    connection: consumer,
    prefix,
    queues,
    logger,
    metrics,
    registrations,
    settings: {
      // A manual rate limit (Slack's 429) is only enforced across workers when the queue has a limiter.
      slack: { limiter: { max: 20, duration: 1_000 } },
      execute: { concurrency: 4 },
      rollback: { concurrency: 2 },
      ...opts.settings,
    },
  });

  let http: MetricsServer | undefined;
  let relay: OutboxRelay | undefined;
  try {
    // Registers this worker in process_leases (role worker): the CLI looks for it there before it queues.
    const me = await processIdentity(ctx, 'worker');
    const synced = await schedules.syncAll();
    await host.start();
    await scheduleHousekeeping(queues, me.id, {
      reconcileEveryMs: opts.reconcileEveryMs ?? RECONCILE_EVERY_MS,
      queueSweepEveryMs: opts.queueSweepEveryMs ?? QUEUE_SWEEP_EVERY_MS,
    });
    relay = startOutboxRelay(ctx, {
      queues,
      logger: logger.child({ component: 'outbox-relay' }),
      ...(opts.relayIntervalMs !== undefined ? { intervalMs: opts.relayIntervalMs } : {}),
    });
    const port = opts.metricsPort === undefined ? config.worker.metricsPort : opts.metricsPort;
    if (port !== null) {
      http = await startMetricsServer({
        port,
        ...(opts.metricsHost ? { host: opts.metricsHost } : {}),
        metrics,
        health: async () => {
          const report = await probe({
            redis: () => producer.ping(),
            postgres: async () => (await ctx.database()).db.execute(sql`select 1`),
          });
          for (const c of Object.values(report.checks))
            if (c.detail) c.detail = ctx.redactor.string(c.detail);
          return report;
        },
      });
    }
    logger.info('worker started', {
      queues: host.queueNames,
      prefix,
      schedules: synced.scheduled,
      metrics_url: http?.url,
    });
  } catch (e) {
    await relay?.stop().catch(() => {});
    await host.close(0).catch(() => {});
    await queues.close().catch(() => {});
    await Promise.all([closeConnection(consumer), closeConnection(producer)]);
    throw e;
  }

  return {
    prefix,
    queues,
    schedules,
    metrics,
    http,
    async close(deadlineMs = config.worker.shutdownTimeoutMs) {
      logger.info('worker stopping: no new jobs; waiting for jobs in hand', { deadline_ms: deadlineMs });
      await within(deadlineMs, relay?.stop() ?? Promise.resolve());
      const finished = await host.close(deadlineMs);
      // Our claims are free at once for another worker (no need to wait out the lease).
      await within(2_000, stopProcessIdentity(ctx));
      await http?.close();
      await within(2_000, queues.close());
      await Promise.all([closeConnection(consumer), closeConnection(producer)]);
      logger.info('worker stopped', { finished_in_time: finished });
      return finished;
    },
  };
}

/**
 * Reconcile every minute and once now (a worker starting after a crash settles what the dead one left);
 * the approval-queue sweep every minute; the token maintenance sweep once a day. Schedulers are upserted
 * by id, so every worker may do this.
 */
async function scheduleHousekeeping(
  queues: JobQueues,
  workerId: string,
  every: { reconcileEveryMs: number; queueSweepEveryMs: number },
) {
  const { reconcileEveryMs } = every;
  const { jobId: _r, ...reconcileOpts } = defaultJobOptions('reconcile');
  await queues
    .queue('reconcile')
    .upsertJobScheduler(
      'reconcile',
      { every: reconcileEveryMs },
      { name: reconcileJob.name, data: { v: reconcileJob.version }, opts: reconcileOpts },
    );
  await queues.enqueue(reconcileJob, { v: 1 }, { jobId: jobIdOf('reconcile-start', workerId) });
  const { jobId: _s, ...sweepOpts } = defaultJobOptions('slack');
  await queues.queue('slack').upsertJobScheduler(
    'queue-sweep',
    { every: every.queueSweepEveryMs },
    // A sweep that failed is simply the next one: no retries piling up behind the schedule.
    { name: queueSweepJob.name, data: { v: queueSweepJob.version }, opts: { ...sweepOpts, attempts: 1 } },
  );
  const { jobId: _m, ...maintenanceOpts } = defaultJobOptions('maintenance');
  await queues
    .queue('maintenance')
    .upsertJobScheduler(
      'maintenance-daily',
      { every: MAINTENANCE_EVERY_MS },
      { name: maintenanceSweepJob.name, data: { v: maintenanceSweepJob.version }, opts: maintenanceOpts },
    );
}
