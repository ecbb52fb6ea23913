import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../lib/logger.js';

/** The queue states an operator watches: backlog (waiting, delayed), work in hand, and failures. */
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

export interface QueueDepthSource {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * The worker's Prometheus metrics, in a registry of its own (never prom-client's global one, so two
 * workers in one test process do not share counters). Names follow Prometheus conventions: `_total`
 * counters, `_seconds` histograms, labels with a small fixed set of values.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly polls = new Counter({
    name: 'metabuyer_polls_total',
    help: 'Poll jobs by outcome (succeeded, failed, skipped_halted, skipped_disabled, duplicate).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly recommendations = new Counter({
    name: 'metabuyer_recommendations_total',
    help: 'Recommendations produced by polls, by rule and severity.',
    labelNames: ['rule', 'severity'] as const,
    registers: [this.registry],
  });

  readonly actions = new Counter({
    name: 'metabuyer_actions_total',
    help: 'Actions settled by the executor, by outcome (applied, failed, stale, unknown, rolled_back).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly metaCalls = new Counter({
    name: 'metabuyer_meta_calls_total',
    help: 'Graph API calls sent, by HTTP status class (2xx, 4xx, 5xx, network).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly metaThrottleWaits = new Counter({
    name: 'metabuyer_meta_throttle_waits_total',
    help: 'Times the Meta usage governor paused before a call (kind: slow_down, blocked) or Meta throttled us (throttled).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly slackPosts = new Counter({
    name: 'metabuyer_slack_posts_total',
    help: 'Slack messages by outcome (posted, updated, paced, rate_limited, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'metabuyer_job_duration_seconds',
    help: 'Time a handler spent on a job, by queue, job name and outcome (completed, failed, deferred, invalid).',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly jobWait = new Histogram({
    name: 'metabuyer_job_wait_seconds',
    help: 'Time from when a job was due to when a worker started it, by queue.',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });

  private depthSources: QueueDepthSource[] = [];

  constructor(private readonly logger?: Logger) {
    const self = this;
    new Gauge({
      name: 'metabuyer_queue_jobs',
      help: 'Jobs per queue and state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          self.depthSources.map(async (q) => {
            try {
              const counts = await q.getJobCounts(...DEPTH_STATES);
              for (const state of DEPTH_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
            } catch (e) {
              // A scrape must not fail because Redis hiccuped; /healthz says so instead.
              self.logger?.debug('metrics: queue depth unavailable', {
                queue: q.name,
                error: (e as Error).message,
              });
            }
          }),
        );
      },
    });
  }

  /** Queues whose depth is read at every scrape. */
  watchQueues(queues: QueueDepthSource[]): void {
    this.depthSources = queues;
  }

  /**
   * A Logger that counts the Meta client's calls and throttle waits from the lines it logs, then passes
   * every line on. The client reports through its logger (transport: `meta: call`; governor: `meta:
   * slowing down…`, `meta: waiting out a throttle…`, `meta: throttled`), which is the one seam it offers
   * without changing src/meta; the worker test asserts the counts so a renamed line is noticed.
   */
  metaLogger(base: Logger): Logger {
    const observe = (msg: string, fields?: Record<string, unknown>) => {
      if (msg === 'meta: call') {
        const status = Number(fields?.status);
        this.metaCalls.inc({ status: Number.isFinite(status) ? `${Math.floor(status / 100)}xx` : 'unknown' });
      } else if (msg === 'meta: call failed on the network') {
        this.metaCalls.inc({ status: 'network' });
      } else if (msg.startsWith('meta: slowing down')) {
        this.metaThrottleWaits.inc({ kind: 'slow_down' });
      } else if (msg.startsWith('meta: waiting out a throttle')) {
        this.metaThrottleWaits.inc({ kind: 'blocked' });
      } else if (msg === 'meta: throttled') {
        this.metaThrottleWaits.inc({ kind: 'throttled' });
      }
    };
    const wrap = (logger: Logger): Logger => ({
      debug: (m, f) => {
        observe(m, f);
        logger.debug(m, f);
      },
      info: (m, f) => {
        observe(m, f);
        logger.info(m, f);
      },
      warn: (m, f) => {
        observe(m, f);
        logger.warn(m, f);
      },
      error: (m, f) => {
        observe(m, f);
        logger.error(m, f);
      },
      child: (b) => wrap(logger.child(b)),
    });
    return wrap(base);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
