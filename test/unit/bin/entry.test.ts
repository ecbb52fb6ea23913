import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/shared.js';

/**
 * bin/metabuyer.js runs the compiled build only while it is current, so tests and developers never run
 * code older than the sources. Checked on a miniature checkout: a src/ and a dist/ whose `main` say
 * which one ran.
 */
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function checkout(opts: { dist: boolean; stampAt?: number }) {
  dir = mkdtempSync(path.join(tmpdir(), 'mb-bin-'));
  mkdirSync(path.join(dir, 'bin'));
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  copyFileSync(path.join(ROOT, 'bin', 'metabuyer.js'), path.join(dir, 'bin', 'metabuyer.js'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
  const main = (which: string) =>
    `export async function main() { process.stdout.write('${which}'); return 0; }\n`;
  writeFileSync(path.join(dir, 'src', 'cli', 'main.ts'), main('sources'));
  writeFileSync(path.join(dir, 'src', 'cli', 'other.ts'), 'export const x = 1;\n');
  const old = new Date('2026-01-01T00:00:00Z');
  for (const p of ['src/cli/main.ts', 'src/cli/other.ts', 'src/cli', 'src'])
    utimesSync(path.join(dir, p), old, old);
  if (opts.dist) {
    mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'cli', 'main.js'), main('compiled'));
    writeFileSync(
      path.join(dir, 'dist', '.build-stamp'),
      JSON.stringify({ sources_at: opts.stampAt ?? Date.now(), built_at: new Date().toISOString() }),
    );
  }
}
const run = (env: Record<string, string> = {}) =>
  execFileSync(process.execPath, [path.join(dir, 'bin', 'metabuyer.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });

describe('which code `metabuyer` runs', () => {
  it('runs the compiled build when it is newer than every source', () => {
    checkout({ dist: true });
    expect(run()).toBe('compiled');
  });

  it('runs the sources when one of them changed after the build', () => {
    checkout({ dist: true, stampAt: new Date('2026-06-01T00:00:00Z').getTime() });
    expect(run()).toBe('compiled');
    const now = new Date();
    utimesSync(path.join(dir, 'src', 'cli', 'other.ts'), now, now);
    expect(run()).toBe('sources');
  });

  it('runs the sources when a source file was added or removed after the build', () => {
    checkout({ dist: true, stampAt: new Date('2026-06-01T00:00:00Z').getTime() });
    rmSync(path.join(dir, 'src', 'cli', 'other.ts'));
    expect(run()).toBe('sources');
  });

  it('runs the sources when there is no build, or no stamp (an interrupted build)', () => {
    checkout({ dist: false });
    expect(run()).toBe('sources');
    mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'cli', 'main.js'), 'export async function main() { return 0; }\n');
    expect(run()).toBe('sources');
  });

  it('runs the sources on request, even over a current build', () => {
    checkout({ dist: true });
    expect(run({ METABUYER_RUN_SOURCES: '1' })).toBe('sources');
  });

  it('runs dist/ where no sources are shipped (the production image)', () => {
    checkout({ dist: true });
    rmSync(path.join(dir, 'src'), { recursive: true });
    expect(run()).toBe('compiled');
  });
});
