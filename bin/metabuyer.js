#!/usr/bin/env node
// The `metabuyer` command. `npm ci` compiles the sources into dist/ (the `prepare` script), and this
// runs dist/ when its build is at least as new as every file under src/: starting compiled JavaScript
// takes a fraction of a second, against ~2.5 s through tsx. In a checkout whose sources changed since
// the build (development, tests), or with no build at all, it runs the TypeScript sources through tsx,
// so nothing ever runs stale code. In the production image, where only dist/ is shipped, it runs dist/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'src');
const source = join(sources, 'cli', 'main.ts');
const compiled = join(root, 'dist', 'cli', 'main.js');

/** When the build in dist/ started, from its stamp; undefined when there is no complete build. */
function buildStartedAt() {
  try {
    const stamp = JSON.parse(readFileSync(join(root, 'dist', '.build-stamp'), 'utf8'));
    return typeof stamp.sources_at === 'number' && existsSync(compiled) ? stamp.sources_at : undefined;
  } catch {
    return undefined;
  }
}

/** True when a file or folder under dir changed after `since` (an edit, an added or a removed file). */
function changedSince(dir, since) {
  if (statSync(dir).mtimeMs > since) return true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(p, since) : statSync(p).mtimeMs > since) return true;
  }
  return false;
}

let entry;
if (!existsSync(source)) {
  entry = compiled;
} else {
  // METABUYER_RUN_SOURCES=1 runs the sources even over a current build (debugging, the startup bench).
  const builtAt = process.env.METABUYER_RUN_SOURCES === '1' ? undefined : buildStartedAt();
  if (builtAt !== undefined && !changedSince(sources, builtAt)) {
    entry = compiled;
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    entry = source;
  }
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2), process.env);
