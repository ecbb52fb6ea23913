import { describe, expect, it } from 'vitest';
import {
  evaluatePollTrips,
  flappingTrip,
  hoursIntoDay,
  pollsWhileHalted,
  spendPaceTrip,
  tokenTrip,
  tripKey,
  writeFailuresTrip,
  zeroConversionsTrip,
} from '../../../src/domain/kill-switch.js';
import { aboAccount, config, NOW } from './builders.js';

/** Ten days spending $200 a day (median $200); NOW is 10:00 in New York, so $83.33 is the pace by now. */
function steady() {
  const b = aboAccount();
  for (let d = 10; d <= 19; d++) b.day('1', `2026-11-${d}`, { spend: 20_000, purchases: 2 });
  return b;
}
const today = (spend: number) => ({ date: '2026-11-20', spend, purchases: 0 });

describe('the spend pace trip', () => {
  it('measures the hours of the account day gone by in its own time zone', () => {
    expect(hoursIntoDay(NOW, 'America/New_York')).toBe(10);
    expect(hoursIntoDay(NOW, 'Asia/Tokyo')).toBe(0);
    expect(hoursIntoDay('2026-11-20T15:30:00Z', 'UTC')).toBe(15.5);
  });

  it('trips above 3 × the median daily spend prorated to the hour, and not at it', () => {
    const snapshot = steady().build();
    // 3 × $200 × 10/24 = $250.00
    expect(spendPaceTrip({ snapshot, config: config(), today: today(25_000) })).toBeNull();
    const trip = spendPaceTrip({ snapshot, config: config(), today: today(25_001) })!;
    expect(trip.kind).toBe('spend_pace');
    expect(trip.evidence).toMatchObject({
      spend_today: 25_001,
      median_daily_spend: 20_000,
      baseline_days: 10,
      pace_by_now: 8_333,
      pace_multiple: 3,
      hours_into_day: 10,
    });
    expect(trip.reason).toMatch(/^Spend today is \$250\.01 after 10\.0 hours/);
  });

  it('follows the configured multiple', () => {
    const snapshot = steady().build();
    const c = config({ killSwitch: { paceMultiple: 5 } });
    expect(spendPaceTrip({ snapshot, config: c, today: today(40_000) })).toBeNull();
    expect(spendPaceTrip({ snapshot, config: c, today: today(41_700) })).not.toBeNull();
  });

  it('judges the first minutes of a day against a whole hour, never against nothing', () => {
    const snapshot = steady().at('2026-11-20T05:05:00Z').build(); // 00:05 in New York
    // 3 × $200 × 1/24 = $25
    expect(spendPaceTrip({ snapshot, config: config(), today: today(2_500) })).toBeNull();
    expect(spendPaceTrip({ snapshot, config: config(), today: today(2_501) })).not.toBeNull();
  });

  it('says nothing without today, or with fewer than 3 days that spent', () => {
    expect(spendPaceTrip({ snapshot: steady().build(), config: config(), today: null })).toBeNull();
    const young = aboAccount()
      .day('1', '2026-11-18', { spend: 100 })
      .day('1', '2026-11-19', { spend: 100 })
      .build();
    expect(spendPaceTrip({ snapshot: young, config: config(), today: today(1_000_000) })).toBeNull();
  });
});

describe('the zero-conversions trip', () => {
  function broken(recentPurchases: number) {
    const b = aboAccount();
    for (let d = 11; d <= 17; d++) b.day('1', `2026-11-${d}`, { spend: 20_000, purchases: d === 11 ? 5 : 0 });
    b.day('1', '2026-11-18', { spend: 18_000, purchases: 0 });
    b.day('1', '2026-11-19', { spend: 18_000, purchases: recentPurchases });
    return b.build();
  }

  it("trips on the tracking rule's own thresholds, even with the rule switched off as an alert", () => {
    const off = config({ rules: { trackingBroken: { enabled: false } } });
    const trip = zeroConversionsTrip({ snapshot: broken(0), config: off })!;
    expect(trip.kind).toBe('zero_conversions');
    expect(trip.evidence).toMatchObject({ recent_spend: 36_000, recent_purchases: 0, baseline_purchases: 5 });
    expect(zeroConversionsTrip({ snapshot: broken(1), config: config() })).toBeNull();
  });
});

describe('the flapping trip', () => {
  const write = (
    over: Partial<Parameters<typeof flappingTrip>[0]['writesSincePreviousPoll'][number]> = {},
  ) => ({
    logId: 'log_1',
    entityId: '11',
    entityName: 'Ad set 11',
    type: 'update_daily_budget' as const,
    from: 10_000,
    to: 12_000,
    ...over,
  });

  it('trips when an object holds the value from before our write again', () => {
    const snapshot = aboAccount().build(); // ad set 11 holds 10 000
    const trip = flappingTrip({ snapshot, writesSincePreviousPoll: [write()] })!;
    expect(trip.kind).toBe('flapping');
    expect(trip.evidence).toEqual({
      undone: [{ log_id: 'log_1', entity_id: '11', field: 'daily_budget', ours: 12_000, now: 10_000 }],
    });
    expect(trip.reason).toContain('Ad set 11 (daily budget back to 10000)');
  });

  it('names who undid it when the activity log says', () => {
    const snapshot = aboAccount().build();
    const trip = flappingTrip({
      snapshot,
      writesSincePreviousPoll: [write({ changedBy: 'Jane Buyer (person)' })],
    })!;
    expect(trip.reason).toContain('Ad set 11 (daily budget back to 10000, by Jane Buyer (person))');
    expect(trip.evidence).toMatchObject({ undone: [{ changed_by: 'Jane Buyer (person)' }] });
  });

  it('is quiet when our value stands, someone moved it elsewhere, or our newest write is what stands', () => {
    const held = aboAccount().adset('12', '1', { dailyBudget: 12_000 }).build();
    expect(flappingTrip({ snapshot: held, writesSincePreviousPoll: [write({ entityId: '12' })] })).toBeNull();
    const elsewhere = aboAccount().adset('12', '1', { dailyBudget: 15_000 }).build();
    expect(
      flappingTrip({ snapshot: elsewhere, writesSincePreviousPoll: [write({ entityId: '12' })] }),
    ).toBeNull();
    // We raised 10 000 → 12 000, then cut back 12 000 → 10 000 ourselves: 10 000 is ours.
    const ours = [write(), write({ logId: 'log_2', from: 12_000, to: 10_000 })];
    expect(flappingTrip({ snapshot: aboAccount().build(), writesSincePreviousPoll: ours })).toBeNull();
  });

  it('reads statuses as well as budgets', () => {
    const snapshot = aboAccount().build(); // ad 111 ACTIVE
    const paused = write({ entityId: '111', type: 'set_status', from: 'ACTIVE', to: 'PAUSED' });
    expect(flappingTrip({ snapshot, writesSincePreviousPoll: [paused] })?.evidence).toMatchObject({
      undone: [{ field: 'status', now: 'ACTIVE' }],
    });
  });
});

describe('write failures, tokens and the switch itself', () => {
  const at = (min: number) => new Date(Date.parse(NOW) - min * 60_000).toISOString();

  it('trips on 3 failed writes within 60 minutes, counting only the window', () => {
    expect(writeFailuresTrip(config(), [at(70), at(30), at(1)], NOW)).toBeNull();
    expect(writeFailuresTrip(config(), [at(59), at(30), at(1)], NOW)?.evidence).toEqual({
      failures: 3,
      window_minutes: 60,
      max_failures: 3,
    });
    expect(
      writeFailuresTrip(config({ killSwitch: { maxWriteFailures: 2 } }), [at(5), at(1)], NOW),
    ).not.toBeNull();
  });

  it('trips on a refused token or permission, not on a passing error', () => {
    expect(
      tokenTrip(config(), { code: 'meta_token_invalid', verdict: 'reauthenticate', metaCode: 190 })?.reason,
    ).toMatch(/refused the login.*Meta code 190/);
    expect(
      tokenTrip(config(), { code: 'meta_permission_denied', verdict: 'permission', metaCode: 200 }),
    ).not.toBeNull();
    expect(tokenTrip(config(), { code: 'meta_server', verdict: 'retry' })).toBeNull();
  });

  it('fires nothing when switched off', () => {
    const off = config({ killSwitch: { enabled: false } });
    const snapshot = steady().build();
    expect(
      evaluatePollTrips({ snapshot, config: off, today: today(1_000_000), writesSincePreviousPoll: [] }),
    ).toEqual([]);
    expect(writeFailuresTrip(off, [at(1), at(2), at(3)], NOW)).toBeNull();
    expect(tokenTrip(off, { code: 'x', verdict: 'reauthenticate' })).toBeNull();
    expect(
      evaluatePollTrips({
        snapshot,
        config: config(),
        today: today(1_000_000),
        writesSincePreviousPoll: [],
      }).map((t) => t.kind),
    ).toEqual(['spend_pace']);
  });

  it('keys a trip by kind and day, and keeps only a kill-switch halt polling', () => {
    expect(tripKey('spend_pace', '2026-11-20')).toBe('spend_pace:2026-11-20');
    expect(pollsWhileHalted({ halted: true, haltedBy: 'worker:kill-switch' })).toBe(true);
    expect(pollsWhileHalted({ halted: true, haltedBy: 'cli:alice' })).toBe(false);
    expect(pollsWhileHalted({ halted: false, haltedBy: null })).toBe(true);
  });
});
