import { describe, expect, it } from 'vitest';
import { precheckSlash, slashKindOf } from '../../../src/slack/slash/handle-slash.js';

describe('what a slash text asks for before any database work', () => {
  it('knows a confirmation modal is wanted, so its 3 s trigger is never queued behind other work', () => {
    expect(slashKindOf('execute-actions --confirm sandbox')).toBe('modal');
    expect(slashKindOf('rollback-actions')).toBe('modal');
    expect(slashKindOf('run-now')).toBe('slow');
    expect(slashKindOf('status')).toBe('fast');
    expect(slashKindOf('')).toBe('fast');
    expect(slashKindOf('pause-agent --reason "unbalanced')).toBe('fast');
  });

  it('answers a typo or a command not run from Slack from the text alone, and leaves the rest', () => {
    expect(precheckSlash('statsu')).toMatch(/unknown command "statsu"/);
    expect(precheckSlash('migrate')).toMatch(/Migrations run on the machine/);
    expect(precheckSlash('pause-agent --reason "unbalanced')).toMatch(/quote/i);
    expect(precheckSlash('status')).toBeNull();
    expect(precheckSlash('help')).toBeNull();
  });
});
