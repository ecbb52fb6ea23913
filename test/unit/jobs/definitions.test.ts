import { describe, expect, it } from 'vitest';
import {
  JOB_DEFINITIONS,
  jobIdOf,
  pollAgentJob,
  postReportJob,
  QUEUE_NAMES,
} from '../../../src/jobs/definitions.js';
import { pollSlotOf } from '../../../src/jobs/handlers/poll.js';
import { checkPayload } from '../../../src/jobs/queues.js';
import { AppError } from '../../../src/lib/errors.js';
import { newId } from '../../../src/lib/ids.js';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('job definitions', () => {
  const agentId = newId('agent');

  it('define every queue the worker will run, each job on one of them', () => {
    expect([...QUEUE_NAMES]).toEqual(['poll', 'execute', 'rollback', 'slack', 'maintenance', 'reconcile']);
    for (const d of JOB_DEFINITIONS) expect(QUEUE_NAMES).toContain(d.queue);
    expect(new Set(JOB_DEFINITIONS.map((d) => d.name)).size).toBe(JOB_DEFINITIONS.length);
  });

  it('accept a payload of ids with its version', () => {
    expect(checkPayload(pollAgentJob, { v: 1, agentId })).toEqual({ v: 1, agentId });
    const runId = newId('run');
    expect(checkPayload(postReportJob, { v: 1, agentId, runId, planId: null })).toEqual({
      v: 1,
      agentId,
      runId,
      planId: null,
    });
  });

  it('refuse a token smuggled into a payload, naming the field and never echoing the value', () => {
    const err = refusal(() => checkPayload(pollAgentJob, { v: 1, agentId, accessToken: 'EAASECRET0001' }));
    expect(err.code).toBe('job_payload_invalid');
    expect(err.message).toContain('accessToken');
    expect(err.message).not.toContain('EAASECRET0001');
  });

  it('refuse another version rather than guess at its shape', () => {
    expect(refusal(() => checkPayload(pollAgentJob, { v: 2, agentId })).message).toMatch(
      /^Job poll-agent v1 has an invalid payload: v /,
    );
  });

  it('refuse an id of the wrong kind', () => {
    expect(refusal(() => checkPayload(pollAgentJob, { v: 1, agentId: newId('run') })).message).toContain(
      'agentId must be a agent_… id',
    );
    expect(refusal(() => checkPayload(pollAgentJob, { v: 1, agentId: "agent_1' or 1=1" })).code).toBe(
      'job_payload_invalid',
    );
  });
});

describe('job ids', () => {
  it('join parts with dashes, never the colon BullMQ reserves', () => {
    expect(jobIdOf('poll', 'agent_01ABC', 1_700_000_000_000)).toBe('poll-agent_01ABC-1700000000000');
  });

  it('refuse a colon or an id BullMQ would take for its counter', () => {
    expect(() => jobIdOf('poll', 'a:b')).toThrow(/may hold only/);
    expect(() => jobIdOf(42)).toThrow(/start with a letter/);
  });
});

describe('poll slots', () => {
  const agentId = newId('agent');

  it('come from the scheduler job id (repeat:<scheduler>:<ms>)', () => {
    expect(pollSlotOf({ id: `repeat:poll-${agentId}:1764633600000`, timestamp: 1 }, { v: 1, agentId })).toBe(
      1_764_633_600_000,
    );
  });

  it('come from the payload for a manual poll, else from when the job was added', () => {
    expect(pollSlotOf({ id: 'x', timestamp: 5 }, { v: 1, agentId, slotMs: 1_000_000_000_000 })).toBe(
      1_000_000_000_000,
    );
    expect(pollSlotOf({ id: 'poll-abc', timestamp: 1_234 }, { v: 1, agentId })).toBe(1_234);
  });
});
