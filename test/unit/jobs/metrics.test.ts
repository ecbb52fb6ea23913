import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { WorkerMetrics } from '../../../src/worker/metrics.js';

describe('worker metrics', () => {
  it('count Meta calls and throttle waits from the Meta client log lines, passing every line on', async () => {
    const lines: string[] = [];
    const m = new WorkerMetrics();
    const log = m
      .metaLogger(createLogger({ level: 'warn', write: (l) => lines.push(l) }))
      .child({ component: 'meta' });
    log.debug('meta: call', { status: 200 });
    log.debug('meta: call', { status: 200 });
    log.debug('meta: call', { status: 400 });
    log.warn('meta: call failed on the network', { kind: 'timeout' });
    log.info('meta: slowing down, usage is high', { used_pct: 90 });
    log.warn('meta: waiting out a throttle before calling', { wait_ms: 10 });
    log.warn('meta: throttled', { block_ms: 1000 });
    const text = await m.text();
    expect(text).toContain('metabuyer_meta_calls_total{status="2xx"} 2');
    expect(text).toContain('metabuyer_meta_calls_total{status="4xx"} 1');
    expect(text).toContain('metabuyer_meta_calls_total{status="network"} 1');
    expect(text).toContain('metabuyer_meta_throttle_waits_total{kind="slow_down"} 1');
    expect(text).toContain('metabuyer_meta_throttle_waits_total{kind="blocked"} 1');
    expect(text).toContain('metabuyer_meta_throttle_waits_total{kind="throttled"} 1');
    // The level filter of the logger underneath still applies: debug and info lines are not written.
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual([
      'meta: call failed on the network',
      'meta: waiting out a throttle before calling',
      'meta: throttled',
    ]);
    expect(JSON.parse(lines[0]!).component).toBe('meta');
  });

  it('read queue depth at scrape time, and still answer when a queue cannot be read', async () => {
    const m = new WorkerMetrics();
    m.watchQueues([
      {
        name: 'poll',
        getJobCounts: async () => ({ waiting: 3, active: 1, delayed: 2, failed: 0, prioritized: 0 }),
      },
      {
        name: 'slack',
        getJobCounts: async () => {
          throw new Error('redis down');
        },
      },
    ]);
    const text = await m.text();
    expect(text).toContain('metabuyer_queue_jobs{queue="poll",state="waiting"} 3');
    expect(text).toContain('metabuyer_queue_jobs{queue="poll",state="delayed"} 2');
    expect(text).not.toContain('queue="slack"');
  });

  it('keep counters per instance, so two workers in one process do not add up', async () => {
    const a = new WorkerMetrics();
    const b = new WorkerMetrics();
    a.polls.inc({ outcome: 'succeeded' });
    expect(await a.text()).toContain('metabuyer_polls_total{outcome="succeeded"} 1');
    expect(await b.text()).not.toContain('metabuyer_polls_total{outcome="succeeded"}');
  });
});
