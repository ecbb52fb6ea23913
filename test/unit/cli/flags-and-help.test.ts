/**
 * What the command line says before it touches anything: numeric flags judged strictly, help that
 * matches what each command takes, the version, and suggestions for typos. All in-process through
 * main(), which refuses bad input before opening any database.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagsOf } from '../../../src/cli/args.js';
import { main } from '../../../src/cli/main.js';
import { loadAllCommands } from '../../../src/cli/registry.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    { METABUYER_HOME: '/nonexistent-metabuyer-home' },
    {
      io: {
        out: (t) => {
          stdout += `${t}\n`;
        },
        err: (t) => {
          stderr += `${t}\n`;
        },
      },
    },
  );
  return { code, stdout, stderr };
}

const COMMANDS = await loadAllCommands();

/** Every flag that takes a number: the placeholder says N. */
const NUMERIC = COMMANDS.flatMap((c) =>
  Object.entries(flagsOf(c))
    .filter(([, spec]) => spec.placeholder === 'N')
    .map(([flag]) => ({ command: c.name, flag })),
);

/** The flags a command needs besides the numeric one, so that the numeric one is what gets judged. */
const REQUIRED: Record<string, string[]> = {
  sim: ['--scenario', 'x.json'],
  backtest: ['--scenario', 'x.json'],
  'rollback-actions': ['--confirm', 'sandbox'],
};

describe('numeric flags refuse anything but a plain number in range, naming the flag (exit 2)', () => {
  it('finds the numeric flags of every command', () => {
    expect(NUMERIC.map((n) => `${n.command} --${n.flag}`)).toEqual(
      expect.arrayContaining([
        'setup --target-cpa',
        'setup --target-roas',
        'setup --rollback-window-hours',
        'setup --plan-ttl-hours',
        'action-log --limit',
        'rollback-actions --limit',
        'backtest --days',
        'backtest --horizon',
        'setup --min-precision-cases',
        'sim --port',
        'sim --latency-ms',
      ]),
    );
  });

  for (const { command, flag } of NUMERIC) {
    it(`${command} --${flag} refuses negative, hex, exponent, empty and huge values`, async () => {
      for (const bad of ['-5', '0x10', '1e3', '', '99999999999999', 'twelve']) {
        const r = await cli(command, ...(REQUIRED[command] ?? []), `--${flag}`, bad, '--json');
        expect(r.code, `${command} --${flag} ${JSON.stringify(bad)}`).toBe(2);
        const err = JSON.parse(r.stdout).error;
        expect(err.code).toBe('usage');
        expect(err.message).toMatch(new RegExp(`^--${flag} (must|takes)`));
        expect(err.message).not.toMatch(/does not take a value|Minor|Too small|NaN/);
      }
    });
  }

  it('says a negative target must be above 0, not that the flag takes no value', async () => {
    expect((await cli('setup', '--target-cpa', '-5')).stderr).toContain(
      'error: --target-cpa must be above 0',
    );
    expect((await cli('setup', '--target-roas', '-1')).stderr).toContain(
      'error: --target-roas must be above 0',
    );
    const zero = await cli('setup', '--target-cpa', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('error: --target-cpa must be above 0');
  });

  it('says a flag followed by another flag is missing its value', async () => {
    const r = await cli('setup', '--target-cpa', '--apply');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --target-cpa needs a value (got --apply)');
  });

  it('bounds targets to amounts a real account could have', async () => {
    expect((await cli('setup', '--target-cpa', '99999999999')).stderr).toContain(
      '--target-cpa must be at most 1,000,000',
    );
    expect((await cli('setup', '--target-roas', '1e308')).stderr).toContain(
      '--target-roas must be a positive number such as 1.8',
    );
    expect((await cli('setup', '--target-roas', '101')).stderr).toContain(
      '--target-roas must be at most 100',
    );
    expect((await cli('setup', '--rollback-window-hours', '0x10')).stderr).toContain(
      '--rollback-window-hours must be a whole number from 1 to 720',
    );
  });
});

describe('--min-precision names rules and whole percents, or off', () => {
  const refused = async (value: string) => {
    const r = await cli('setup', '--min-precision', value, '--json');
    expect(r.code, value).toBe(2);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('usage');
    return err.message as string;
  };

  it('refuses percents outside 1–100, decimals, hex, exponents and words, naming the rule', async () => {
    for (const bad of ['0', '101', '-5', '70.5', '0x10', '1e2', 'seventy', '', ' 70%']) {
      expect(await refused(`high_cpa=${bad}`)).toBe(
        '--min-precision must give high_cpa a whole percent from 1 to 100, or off',
      );
    }
  });

  it('refuses an unknown rule, a rule named twice, a missing = and an empty list', async () => {
    expect(await refused('pause_everything=70')).toMatch(/^--min-precision must name rule ids: .*high_cpa/);
    expect(await refused('high_cpa=70,high_cpa=off')).toBe('--min-precision names high_cpa twice');
    expect(await refused('high_cpa')).toBe(
      '--min-precision must be RULE=PERCENT, e.g. high_cpa=70 (got "high_cpa")',
    );
    expect(await refused(',')).toBe('--min-precision needs RULE=PERCENT, e.g. high_cpa=70 (or high_cpa=off)');
  });

  it('is described in setup --help with --min-precision-cases', async () => {
    const help = (await cli('setup', '--help')).stdout;
    expect(help).toMatch(/--min-precision RULE=PCT,…/);
    expect(help).toMatch(
      /--min-precision-cases N +judged verdicts a precision needs before it counts \(10\)/,
    );
  });

  it('bounds --min-precision-cases to 1–1000', async () => {
    for (const bad of ['0', '1001']) {
      const r = await cli('setup', '--min-precision-cases', bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--min-precision-cases must be a whole number from 1 to 1000');
    }
  });
});

describe('backtest takes a scenario, or replays the agent on its own configuration', () => {
  it('refuses scenario-only flags without --scenario, saying where the agent’s targets are set', async () => {
    for (const flag of ['--target-cpa', '--target-roas']) {
      const r = await cli('backtest', flag, '2');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} applies to --scenario only`);
    }
    const preset = await cli('backtest', '--date-preset', 'last_7d');
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('--date-preset applies to --scenario only');
  });
});

describe('help describes each command as it behaves', () => {
  it('marks --ad-account as required for connect', async () => {
    const r = await cli('connect', '--help');
    expect(r.stdout).toMatch(/--ad-account ID +required/);
    expect(r.stdout).not.toContain('needed only when several are set up');
  });

  it('does not offer --ad-account where it means nothing, and refuses it there', async () => {
    for (const name of ['sim', 'init', 'migrate', 'demo']) {
      expect((await cli(name, '--help')).stdout, name).not.toContain('--ad-account');
    }
    const r = await cli('sim', '--scenario', 'x.json', '--ad-account', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown flag --ad-account');
  });

  it('names every flag of every command in its usage line, and nothing it does not take', () => {
    const problems: string[] = [];
    for (const c of COMMANDS) {
      // demo is a walkthrough for people and refuses --json (saying so); every other command takes it.
      const flags = Object.keys(flagsOf(c)).filter(
        (f) => f !== 'help' && !(c.name === 'demo' && f === 'json'),
      );
      for (const f of flags) if (!c.usage.includes(`--${f}`)) problems.push(`${c.name} usage lacks --${f}`);
      for (const used of c.usage.match(/--[a-z-]+/g) ?? []) {
        if (!flags.includes(used.slice(2))) problems.push(`${c.name} usage names ${used}`);
      }
    }
    expect(problems).toEqual([]);
    expect(COMMANDS.find((c) => c.name === 'setup')!.usage).toContain('--plan-ttl-hours N');
  });

  it('prints the package version for --version and version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    for (const argv of [['--version'], ['version']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`metabuyer ${pkg.version}`);
    }
    expect(JSON.parse((await cli('--version', '--json')).stdout)).toEqual({ version: pkg.version });
  });

  it('suggests the command a typo most likely meant', async () => {
    const r = await cli('statsu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "statsu"; did you mean status?');
    expect((await cli('runnow')).stderr).toContain('did you mean run-now?');
    expect((await cli('exectue-actions')).stderr).toContain('did you mean execute-actions?');
    const far = await cli('launch-rockets');
    expect(far.stderr).toContain('unknown command "launch-rockets"');
    expect(far.stderr).not.toContain('did you mean');
  });
});

describe('the kill-switch flags of setup', () => {
  it('takes on|off, a pace multiple of at least 1.1 and a whole number of failures, naming the flag (exit 2)', async () => {
    const cases: Array<[string[], string]> = [
      [['--kill-switch', 'maybe'], '--kill-switch must be on or off'],
      [['--kill-switch', 'true'], '--kill-switch must be on or off'],
      [
        ['--kill-switch-pace', '1'],
        '--kill-switch-pace must be at least 1.1 (a multiple of the typical pace)',
      ],
      [['--kill-switch-pace', '101'], '--kill-switch-pace must be at most 100'],
      [['--kill-switch-failures', '0'], '--kill-switch-failures must be a whole number from 1 to 100'],
      [['--kill-switch-failures', '2.5'], '--kill-switch-failures must be a whole number from 1 to 100'],
    ];
    for (const [argv, message] of cases) {
      const r = await cli('setup', ...argv, '--json');
      expect(r.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', message });
    }
    expect(COMMANDS.find((c) => c.name === 'setup')!.usage).toContain(
      '[--kill-switch on|off] [--kill-switch-pace N] [--kill-switch-failures N]',
    );
  });
});
