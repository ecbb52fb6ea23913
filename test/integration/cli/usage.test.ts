import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/shared.js';

const run = promisify(execFile);

/** The real command, as `npx metabuyer` runs it: a child process through bin/metabuyer.js. */
async function metabuyer(args: string[], env: Record<string, string> = {}) {
  const home = mkdtempSync(path.join(tmpdir(), 'mb-cli-'));
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(ROOT, 'bin', 'metabuyer.js'), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', METABUYER_HOME: home, ...env },
      },
    );
    return { code: 0, stdout, stderr, home };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr, home };
  }
}

describe('the command line refuses bad input, changing nothing', () => {
  it('exits 2 on an unknown flag, naming it and showing the usage', async () => {
    const r = await metabuyer(['status', '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown flag --verbose');
    expect(r.stderr).toContain('usage: metabuyer status');
    expect(readdirSync(r.home)).toEqual([]);
  });

  it('exits 2 on a missing required flag', async () => {
    const r = await metabuyer(['execute-actions']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --confirm is required');
  });

  it('exits 2 on a malformed value, saying what is expected', async () => {
    const r = await metabuyer(['setup', '--target-cpa', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --target-cpa must be a positive number such as 120 or 45.50');
  });

  it('exits 2 on a flag that needs a value and got none', async () => {
    const r = await metabuyer(['rollback-actions', '--confirm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--confirm needs a value');
  });

  it('prints one JSON error object under --json', async () => {
    const r = await metabuyer(['execute-actions', '--confirm', 'production', '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.error.code).toBe('usage');
    expect(out.error.message).toBe('--confirm must be sandbox or live (the environment you are writing to)');
  });

  it('exits 2 on an unknown command', async () => {
    const r = await metabuyer(['launch-rockets']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "launch-rockets"');
  });

  it('exits 1 with the variable named when the environment is wrong, never echoing a secret', async () => {
    const r = await metabuyer(['status', '--json'], {
      SLACK_BOT_TOKEN: 'not-a-token-secret-value',
      PORT: 'abc',
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.code).toBe('config_invalid');
    expect(out.error.message).toMatch(/PORT must be a whole number/);
    expect(r.stdout + r.stderr).not.toContain('not-a-token-secret-value');
  });

  it('says what to do when nothing is connected yet', async () => {
    const r = await metabuyer(['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/metabuyer (init|connect)/);
  });

  it('lists every command in help, and each takes --help', async () => {
    const r = await metabuyer(['help']);
    expect(r.code).toBe(0);
    for (const c of [
      'init',
      'connect',
      'setup',
      'status',
      'run-now',
      'plan-actions',
      'sync-approvals',
      'execute-actions',
      'rollback-actions',
      'action-log',
      'pause-agent',
      'resume-agent',
      'doctor',
      'verify-use-cases',
      'seed-sandbox',
      'sim',
      'migrate',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
    const one = await metabuyer(['execute-actions', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('--confirm sandbox|live');
  });
});
