import { afterEach, describe, expect, it } from 'vitest';
import { type OpsHarness, startOpsHarness } from '../../support/ops-harness.js';
import { TEST_REDIS_URL } from '../../support/services.js';

describe('doctor', () => {
  let h: OpsHarness | undefined;
  afterEach(async () => h?.close());

  it('passes every check on a healthy connection, Redis included', async () => {
    h = await startOpsHarness({ env: { REDIS_URL: TEST_REDIS_URL } });
    await h.onboard();
    const r = await h.cli('doctor', '--json');
    expect(r.code).toBe(0);
    const checks = r.json().checks as Array<{ name: string; status: string }>;
    expect(checks.map((c) => c.name).sort()).toEqual(
      [
        'database',
        'meta_api_read',
        'meta_api_version',
        'meta_permissions',
        'meta_runtime',
        'redis',
        'token_expiry',
      ].sort(),
    );
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('fails the redis check saying where and why, and still runs the others', async () => {
    h = await startOpsHarness({ env: { REDIS_URL: 'redis://127.0.0.1:6390' } });
    await h.cli('init');
    const r = await h.cli('doctor');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL redis: Cannot reach Redis at 127.0.0.1:6390 (ECONNREFUSED): start Redis or fix REDIS_URL.',
    );
    expect(r.stdout).toMatch(/^PASS database/m);
  });

  it('refuses to call Meta while the Redis that holds the rate-limit state is down, saying so', async () => {
    h = await startOpsHarness({ env: { REDIS_URL: 'redis://127.0.0.1:6390' } });
    await h.cli('init');
    const r = await h.cli(
      'connect',
      '--access-token',
      'EAASIMSYSTEMUSERTOKEN0001',
      '--ad-account',
      '1000000001',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot reach Redis at REDIS_URL');
    expect(await h.calls()).toEqual([]);
  });

  it('fails meta_runtime and says to connect when nothing is connected', async () => {
    h = await startOpsHarness();
    await h.cli('init');
    const r = await h.cli('doctor', '--json');
    expect(r.code).toBe(1);
    const runtime = r.json().checks.find((c: { name: string }) => c.name === 'meta_runtime');
    expect(runtime).toMatchObject({ status: 'fail' });
    expect(runtime.detail).toMatch(/metabuyer connect --access-token/);
  });
});
