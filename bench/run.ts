/**
 * `npm run bench`: runs every benchmark in this folder. A benchmark is a file here exporting an async
 * function whose name starts with `bench`; it prints its own figures. Pass file names (without .ts) to
 * run only those: `npm run bench -- meta-read`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
  .sort();

let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod)) {
    if (!name.startsWith('bench') || typeof fn !== 'function') continue;
    const started = performance.now();
    try {
      await (fn as () => Promise<unknown>)();
      console.log(`${file} ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (e) {
      failed++;
      console.error(`${file} ${name}: failed:`, e);
    }
  }
}
process.exitCode = failed ? 1 : 0;
