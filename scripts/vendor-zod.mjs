// Bundles zod into dist/vendor/zod.js and points the compiled code at it. zod ships as ~95 small ES
// modules, and loading them was the largest part of starting any CLI command (status, help) once the
// commands load lazily; one file loads in a fraction of that. Only dist/ changes: the sources, tests and
// tsx keep importing 'zod' itself. Without esbuild (not every install has it) dist/ keeps importing
// 'zod' from node_modules, which works the same, only slower to load.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const vendored = path.join(dist, 'vendor', 'zod.js');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stdout.write('metabuyer: esbuild is not installed; dist/ loads zod from node_modules.\n');
  process.exit(0);
}
await esbuild.build({
  stdin: {
    contents: "export * from 'zod'; export { z, default } from 'zod';",
    resolveDir: root,
    loader: 'js',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: vendored,
  legalComments: 'none',
  logLevel: 'warning',
});

/** Every compiled module under dir, but the vendored bundle itself. */
function* modules(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* modules(p);
    else if (e.name.endsWith('.js') && p !== vendored) yield p;
  }
}
const ZOD_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])zod\2/g;
for (const file of modules(dist)) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('zod')) continue;
  let rel = path.relative(path.dirname(file), vendored).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const next = text.replace(ZOD_IMPORT, (_m, lead, q) => `${lead}${q}${rel}${q}`);
  if (next !== text) writeFileSync(file, next);
}
