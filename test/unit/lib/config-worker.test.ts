import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/lib/config.js';

describe('worker configuration', () => {
  it('serves metrics on 9464 by default, never on PORT', () => {
    const c = parseConfig({ PORT: '8080' }, '/srv/app');
    expect(c.worker.metricsPort).toBe(9464);
    expect(c.port).toBe(8080);
    expect(c.worker.queuePrefix).toBe('metabuyer');
    expect(c.worker.shutdownTimeoutMs).toBe(30_000);
  });

  it('reads METRICS_PORT, the queue prefix, the shutdown deadline and the CLI queue wait', () => {
    const c = parseConfig(
      {
        METRICS_PORT: '9100',
        METABUYER_QUEUE_PREFIX: 'mb-staging',
        WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
        METABUYER_QUEUE_WAIT_MS: '30000',
      },
      '/srv/app',
    );
    expect(c.worker).toEqual({
      metricsPort: 9100,
      queuePrefix: 'mb-staging',
      shutdownTimeoutMs: 5000,
      queueWaitMs: 30_000,
    });
  });

  it('refuses a bad METRICS_PORT or a prefix with BullMQ’s separator, naming the variable', () => {
    expect(() => parseConfig({ METRICS_PORT: 'ninety' }, '/srv/app')).toThrow(
      /METRICS_PORT must be a whole number/,
    );
    expect(() => parseConfig({ METRICS_PORT: '70000' }, '/srv/app')).toThrow(/METRICS_PORT must be between/);
    expect(() => parseConfig({ METABUYER_QUEUE_PREFIX: 'a:b' }, '/srv/app')).toThrow(
      /METABUYER_QUEUE_PREFIX/,
    );
  });
});
