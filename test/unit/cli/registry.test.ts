/**
 * The registry answers help, "did you mean" and Slack's command list from names and summaries alone,
 * loading a command's module only to run it. These hold that cheap list true to the modules.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand, loadAllCommands, loadCommand } from '../../../src/cli/registry.js';

const COMMANDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/cli/commands');

/** Every command object any module under src/cli/commands exports. */
async function definedCommands(): Promise<{ name: string; summary: string }[]> {
  const found: { name: string; summary: string }[] = [];
  for (const file of readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(pathToFileURL(path.join(COMMANDS_DIR, file)).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      const c = v as { name?: unknown; summary?: unknown; run?: unknown; parse?: unknown };
      if (c && typeof c === 'object' && typeof c.run === 'function' && typeof c.parse === 'function')
        found.push({ name: String(c.name), summary: String(c.summary) });
    }
  }
  return found;
}

describe('the command registry', () => {
  it('loads, for each name, the command of that name, whose summary is the one help prints', async () => {
    const loaded = await loadAllCommands();
    expect(loaded.map((c) => c.name)).toEqual(COMMANDS.map((e) => e.name));
    expect(loaded.map((c) => c.summary)).toEqual(COMMANDS.map((e) => e.summary));
  });

  it('lists every command a module defines, once', async () => {
    const defined = await definedCommands();
    expect(defined.map((c) => c.name).sort()).toEqual(COMMANDS.map((e) => e.name).sort());
    expect(new Set(COMMANDS.map((e) => e.name)).size).toBe(COMMANDS.length);
  });

  it('finds nothing, and loads nothing, for a name that is no command', async () => {
    expect(findCommand('statsu')).toBeUndefined();
    expect(await loadCommand('statsu')).toBeUndefined();
  });
});
