import { describe, expect, it } from 'vitest';
import { actorSchema, cliActor, slackActor, workerActor } from '../../../src/domain/actor.js';
import { mayConnectHere, permits } from '../../../src/domain/policy.js';

const roster = { operators: ['UOPS1'], approvers: ['UAPP1'] };
const op = slackActor('UOPS1', 'T0001');
const approver = slackActor('UAPP1', 'T0001');
const stranger = slackActor('USTRANGE', 'T0001');

describe('who may act on an agent', () => {
  it('lets only operators change setup, confirm writes and resume, and names them when refusing', () => {
    for (const cap of ['setup', 'connect', 'confirm_execute', 'confirm_rollback', 'resume'] as const) {
      expect(permits(op, cap, roster)).toEqual({ allowed: true });
      expect(permits(approver, cap, roster)).toEqual({
        allowed: false,
        role: 'operator',
        holders: ['UOPS1'],
      });
    }
  });

  it('lets only approvers approve and clear', () => {
    expect(permits(approver, 'approve', roster).allowed).toBe(true);
    expect(permits(op, 'approve', roster)).toEqual({ allowed: false, role: 'approver', holders: ['UAPP1'] });
    expect(permits(stranger, 'clear', roster).allowed).toBe(false);
  });

  it('keeps the safe direction open to anyone: pause and reject', () => {
    expect(permits(stranger, 'pause', roster).allowed).toBe(true);
    expect(permits(stranger, 'reject', roster).allowed).toBe(true);
  });

  it('never lets anyone approve when the approver list is empty: the operators approve', () => {
    const noApprovers = { operators: ['UOPS1'], approvers: [] };
    expect(permits(stranger, 'approve', noApprovers)).toEqual({
      allowed: false,
      role: 'approver',
      holders: ['UOPS1'],
    });
    expect(permits(op, 'approve', noApprovers).allowed).toBe(true);
  });

  it('treats the local CLI as the machine operator and never lets the worker confirm or decide', () => {
    expect(permits(cliActor('alice'), 'confirm_execute', roster).allowed).toBe(true);
    expect(permits(workerActor('poll'), 'run', roster).allowed).toBe(true);
    expect(permits(workerActor('poll'), 'confirm_execute', roster).allowed).toBe(false);
    expect(permits(workerActor('poll'), 'approve', roster).allowed).toBe(false);
  });

  it('refuses ids that are not Slack-shaped or too long', () => {
    expect(() => slackActor("U'); DROP TABLE agents;--", 'T0001')).toThrow();
    expect(() => slackActor(`U${'A'.repeat(10_000)}`, 'T0001')).toThrow();
    expect(() => slackActor('UOK123', 'not-a-team')).toThrow();
    expect(
      actorSchema.safeParse({ source: 'cli', id: 'a b', workspaceId: null, displayName: '' }).success,
    ).toBe(false);
  });
});

describe('who may connect Meta from a workspace', () => {
  const alice = slackActor('U0ALICE01', 'T0TEAM001');
  const bob = slackActor('U0BOB0001', 'T0TEAM001');
  const operated = { operators: ['U0ALICE01'], approvers: ['U0BOB0001'] };

  it('lets anyone in a workspace with no operated agent connect the first one', () => {
    expect(mayConnectHere(bob, [])).toBe(true);
    expect(mayConnectHere(bob, [{ operators: [], approvers: [] }])).toBe(true);
  });

  it('keeps it to the operators once an agent has one, approvers included', () => {
    expect(mayConnectHere(alice, [operated])).toBe(true);
    expect(mayConnectHere(bob, [operated])).toBe(false);
    expect(mayConnectHere(bob, [operated, { operators: [], approvers: [] }])).toBe(false);
  });

  it('never lets the worker connect; the local CLI always may', () => {
    expect(mayConnectHere(workerActor('poll'), [])).toBe(false);
    expect(mayConnectHere(cliActor('ops'), [operated])).toBe(true);
  });
});
