// Compiles src/ into dist/ (tsc + the data files), then stamps the build with the time it started, so
// bin/metabuyer.js can tell a current build from one older than the sources (it then runs the sources).
// `npm run build` builds or fails. `prepare` (run by `npm ci`) passes --if-possible: an install without
// the sources or without TypeScript (the Docker image's production-dependency stage) skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifPossible = process.argv.includes('--if-possible');
process.chdir(root);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (!existsSync('src') || !existsSync('tsconfig.build.json') || !tsc) {
  const why = !tsc ? 'TypeScript is not installed' : 'there are no sources here';
  if (ifPossible) {
    process.stdout.write(`metabuyer: not building dist/ (${why}).\n`);
    process.exit(0);
  }
  console.error(`metabuyer: cannot build: ${why}.`);
  process.exit(1);
}

// The stamp records when the build STARTED: a source saved while tsc runs is newer than it, so that
// build counts as stale rather than passing for current without the change.
const startedAt = Date.now();
// No stamp while building: until a build completes, bin/metabuyer.js runs the sources.
rmSync(path.join('dist', '.build-stamp'), { force: true });
const failed = (step, status) => {
  // An install must not fail on a build problem: without a stamp the command runs the sources.
  if (ifPossible) {
    process.stderr.write(`metabuyer: ${step} failed; \`metabuyer\` will run the sources through tsx.\n`);
    process.exit(0);
  }
  process.exit(status ?? 1);
};
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (compiled.status !== 0) failed('compiling', compiled.status);
const assets = spawnSync(process.execPath, ['scripts/copy-assets.mjs'], { stdio: 'inherit' });
if (assets.status !== 0) failed('copying assets', assets.status);
const zod = spawnSync(process.execPath, ['scripts/vendor-zod.mjs'], { stdio: 'inherit' });
if (zod.status !== 0) failed('bundling zod', zod.status);
mkdirSync('dist', { recursive: true });
writeFileSync(
  path.join('dist', '.build-stamp'),
  `${JSON.stringify({ sources_at: startedAt, built_at: new Date().toISOString() })}\n`,
);
process.stdout.write(`metabuyer: built dist/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
