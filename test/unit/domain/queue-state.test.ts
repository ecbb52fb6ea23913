import { describe, expect, it } from 'vitest';
import { needsUpdate, queueStateOf, writtenCount } from '../../../src/domain/queue-state.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const active = { status: 'active' as const, expiresAt: new Date('2026-12-02T12:00:00Z') };
const expired = { status: 'active' as const, expiresAt: new Date('2026-12-01T12:00:00Z') };
const superseded = { status: 'superseded' as const, expiresAt: active.expiresAt };

describe('what an approval queue shows about its plan', () => {
  it('is open while the plan is active and unexpired, expired at its expiry, superseded once replaced', () => {
    expect(queueStateOf(active, ['proposed', 'approved'], NOW)).toBe('active');
    expect(queueStateOf(expired, ['proposed'], NOW)).toBe('expired');
    expect(queueStateOf({ ...superseded, expiresAt: expired.expiresAt }, ['approved'], NOW)).toBe(
      'superseded',
    );
  });

  it('stays executed once every action is settled or rejected, even when superseded or expired later', () => {
    expect(queueStateOf(superseded, ['applied', 'rejected'], NOW)).toBe('executed');
    expect(queueStateOf(expired, ['failed'], NOW)).toBe('executed');
    // Only rejections: nothing ran, the plan is not executed.
    expect(queueStateOf(active, ['rejected'], NOW)).toBe('active');
  });

  it('moves a shown message only forward, so a second close finds nothing to do', () => {
    expect(needsUpdate(null, 'expired')).toBe(true);
    expect(needsUpdate('open', 'superseded')).toBe(true);
    expect(needsUpdate('expired', 'superseded')).toBe(true);
    expect(needsUpdate('expired', 'expired')).toBe(false);
    expect(needsUpdate('superseded', 'expired')).toBe(false);
    expect(needsUpdate('executed', 'superseded')).toBe(false);
    expect(needsUpdate('open', 'active')).toBe(false);
  });

  it('counts what reached Meta', () => {
    expect(writtenCount(['proposed', 'approved', 'rejected', 'failed', 'stale'])).toBe(0);
    expect(writtenCount(['applied', 'unknown', 'rolled_back', 'proposed'])).toBe(3);
  });
});
