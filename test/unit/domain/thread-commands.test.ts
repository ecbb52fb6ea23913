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
