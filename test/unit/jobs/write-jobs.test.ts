import { describe, expect, it } from 'vitest';
import { executeJob, postOutboxMessageJob, rollbackJob, runNowJob } from '../../../src/jobs/definitions.js';
import { relayJobId } from '../../../src/jobs/outbox-relay.js';
import { checkPayload } from '../../../src/jobs/queues.js';
import { AppError } from '../../../src/lib/errors.js';
import { newId } from '../../../src/lib/ids.js';

describe('write-path jobs', () => {
  const confirmationId = newId('conf');

  it('carry a confirmation id and nothing else', () => {
    expect(checkPayload(executeJob, { v: 1, confirmationId })).toEqual({ v: 1, confirmationId });
    expect(() => checkPayload(rollbackJob, { v: 1, confirmationId, accessToken: 'EAAsecret' })).toThrow(
      AppError,
    );
    expect(() => checkPayload(executeJob, { v: 1, confirmationId: 'conf:1' })).toThrow(/confirmationId/);
    expect(() => checkPayload(executeJob, { v: 2, confirmationId })).toThrow(AppError);
  });

  it('refuse a message text in a Slack outbox job: the row holds it, the job names the row', () => {
    expect(() => checkPayload(postOutboxMessageJob, { v: 1, outboxId: newId('obx'), text: 'hi' })).toThrow(
      AppError,
    );
  });

  it('refuse a run-now operator that is not a plain local user name', () => {
    const agentId = newId('agent');
    expect(checkPayload(runNowJob, { v: 1, agentId, operator: 'alice' }).operator).toBe('alice');
    expect(() => checkPayload(runNowJob, { v: 1, agentId, operator: 'alice; rm -rf' })).toThrow(/operator/);
  });
});

describe('relay job ids', () => {
  it('are the dedupe key, with BullMQ-unsafe characters replaced', () => {
    expect(relayJobId({ dedupeKey: 'conf_01ABC', attempts: 1 })).toBe('conf_01ABC');
    expect(relayJobId({ dedupeKey: 'connection-warning:conn_1:agent_2', attempts: 1 })).toBe(
      'connection-warning-conn_1-agent_2',
    );
    expect(relayJobId({ dedupeKey: '123:x', attempts: 1 })).toBe('k123-x');
  });

  it('change when a row is taken over from a dead relay, so a stuck job cannot hold it', () => {
    expect(relayJobId({ dedupeKey: 'conf_01ABC', attempts: 2 })).toBe('conf_01ABC-a2');
    expect(relayJobId({ dedupeKey: 'conf_01ABC', attempts: 0 })).toBe('conf_01ABC');
  });
});
