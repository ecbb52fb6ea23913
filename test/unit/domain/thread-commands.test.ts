import { describe, expect, it } from 'vitest';
import { parseThreadReply } from '../../../src/domain/thread-commands.js';

describe('reading decisions from thread replies', () => {
  it('reads one command per line, with several keys', () => {
    expect(
      parseThreadReply('APPROVE A1 A3\nREJECT A2').commands.map(({ decision, keys }) => ({ decision, keys })),
    ).toEqual([
      { decision: 'approve', keys: ['A1', 'A3'] },
      { decision: 'reject', keys: ['A2'] },
    ]);
  });

  it('is lenient about case, commas, "and" and Slack formatting', () => {
    const { commands } = parseThreadReply('*approve* a1, a2 and A4.\n<@U0BOT> clear: A2');
    expect(commands.map(({ decision, keys }) => ({ decision, keys }))).toEqual([
      { decision: 'approve', keys: ['A1', 'A2', 'A4'] },
      { decision: 'clear', keys: ['A2'] },
    ]);
  });

  it('understands ALL', () => {
    expect(parseThreadReply('Approve all').commands[0]).toMatchObject({ decision: 'approve', keys: 'ALL' });
  });

  it('ignores conversation that is not a command', () => {
    expect(parseThreadReply('I think we should approve A1 later\nlooks good!')).toEqual({
      commands: [],
      problems: [],
    });
  });

  it('refuses a command that names something other than keys, and says what was expected', () => {
    const { commands, problems } = parseThreadReply('APPROVE the budget one\nREJECT');
    expect(commands).toEqual([]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/expected action keys like A1 A2 \(or ALL\), not THE BUDGET ONE/);
  });

  it('does not apply a partly valid line at all', () => {
    expect(parseThreadReply('APPROVE A1 A2 maybe').commands).toEqual([]);
  });

  it('keeps a rejection’s reason as typed, after the keys', () => {
    const { commands, problems } = parseThreadReply(
      'REJECT A2 too early to judge\nreject a3, a4: Wait for Black Friday\nReject A5 - because <the> creative is new',
    );
    expect(problems).toEqual([]);
    expect(commands.map(({ decision, keys, reason }) => ({ decision, keys, reason }))).toEqual([
      { decision: 'reject', keys: ['A2'], reason: 'too early to judge' },
      { decision: 'reject', keys: ['A3', 'A4'], reason: 'Wait for Black Friday' },
      { decision: 'reject', keys: ['A5'], reason: '<the> creative is new' },
    ]);
  });

  it('reads APPROVE ALL, CLEAR and REJECT ALL with a reason; no reason when none was given', () => {
    const { commands } = parseThreadReply('APPROVE ALL\nCLEAR A1\nreject all not this week\nREJECT A7');
    expect(commands.map(({ decision, keys, reason }) => ({ decision, keys, reason }))).toEqual([
      { decision: 'approve', keys: 'ALL', reason: null },
      { decision: 'clear', keys: ['A1'], reason: null },
      { decision: 'reject', keys: 'ALL', reason: 'not this week' },
      { decision: 'reject', keys: ['A7'], reason: null },
    ]);
  });

  it('is tolerant of mentions anywhere (with or without a label), commas without spaces, and "&"', () => {
    const { commands } = parseThreadReply('<@U0BOT|metabuyer> Approve A1,A3 & a9 <@U0ANA>');
    expect(commands.map(({ decision, keys }) => ({ decision, keys }))).toEqual([
      { decision: 'approve', keys: ['A1', 'A3', 'A9'] },
    ]);
  });

  it('reports what it did not understand, line by line, and keeps the lines it did', () => {
    const { commands, problems } = parseThreadReply(
      'APPROVE A1\nCLEAR A2 please\nAPPROVE ALL A3\nREJECT because',
    );
    expect(commands.map((c) => c.keys)).toEqual([['A1']]);
    expect(problems).toEqual([
      '"CLEAR A2 please": expected action keys like A1 A2 (or ALL), not PLEASE',
      '"APPROVE ALL A3": ALL stands alone; name keys like A1 A2, or ALL, not both',
      '"REJECT because": expected action keys like A1 A2 (or ALL)',
    ]);
  });

  it('does not take a longer word for a verb or a key', () => {
    expect(parseThreadReply('clearly A1 is better\nRejection of A2 was fair')).toEqual({
      commands: [],
      problems: [],
    });
    expect(parseThreadReply('APPROVE A12345').problems).toHaveLength(1);
  });
});

describe('reasons in thread replies', () => {
  it('keeps the reason a rejection gives after its keys', () => {
    expect(parseThreadReply('REJECT A2 too early to judge').commands).toEqual([
      {
        decision: 'reject',
        keys: ['A2'],
        line: 'REJECT A2 too early to judge',
        reason: 'too early to judge',
      },
    ]);
    expect(parseThreadReply('reject A1, A3: not this week').commands[0]).toMatchObject({
      keys: ['A1', 'A3'],
      reason: 'not this week',
    });
    expect(parseThreadReply('REJECT ALL - freeze').commands[0]).toMatchObject({
      keys: 'ALL',
      reason: 'freeze',
    });
  });

  it('still refuses extra words after an approval', () => {
    const r = parseThreadReply('APPROVE A1 A');
    expect(r.commands).toEqual([]);
    expect(r.problems).toHaveLength(1);
  });
});
