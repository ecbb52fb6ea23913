import fc from 'fast-check';
import type { AgentConfigInput } from '../../../src/domain/agent-config.js';
import { addDays } from '../../../src/domain/dates.js';
import type { AppliedAction } from '../../../src/domain/history.js';
import type {
  ConfiguredStatus,
  DailyRow,
  EntityMeta,
  Snapshot,
  WindowRow,
} from '../../../src/domain/snapshot.js';
import { NOW, sums, YESTERDAY } from './builders.js';

/**
 * Random accounts for property tests: up to 3 campaigns × 3 ad sets × 3 ads, a mix of CBO and ABO, some
 * paused objects, figures spread so that every rule fires somewhere, and a random write history.
 */
const status = fc.constantFrom<ConfiguredStatus>('ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'PAUSED');
const figures = fc.record({
  spend: fc.integer({ min: 0, max: 400_000 }),
  purchases: fc.integer({ min: 0, max: 40 }),
  roas: fc.double({ min: 0, max: 5, noNaN: true }),
  impressions: fc.integer({ min: 0, max: 200_000 }),
  frequency: fc.double({ min: 1, max: 8, noNaN: true }),
  ctrPct: fc.double({ min: 0, max: 3, noNaN: true }),
});

const shape = fc.array(
  fc.record({
    cbo: fc.boolean(),
    budget: fc.integer({ min: 50, max: 100_000 }),
    status,
    adsets: fc.array(
      fc.record({
        budget: fc.integer({ min: 50, max: 100_000 }),
        status,
        learning: fc.constantFrom('LEARNING', 'SUCCESS', 'SUCCESS', 'FAIL' as const),
        ads: fc.array(status, { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  { minLength: 1, maxLength: 3 },
);

export const snapshotArb: fc.Arbitrary<Snapshot> = shape.chain((campaigns) => {
  const entities: EntityMeta[] = [];
  let n = 0;
  campaigns.forEach((c, ci) => {
    const cid = `${ci + 1}`;
    entities.push({
      id: cid,
      level: 'campaign',
      name: `Campaign ${cid}`,
      campaignId: cid,
      adsetId: null,
      status: c.status,
      effectiveStatus: c.status,
      dailyBudget: c.cbo ? c.budget : null,
      learningStage: null,
      lastSignificantEditAt: null,
    });
    c.adsets.forEach((s, si) => {
      const sid = `${cid}${si + 1}`;
      entities.push({
        id: sid,
        level: 'adset',
        name: `Ad set ${sid}${n++ % 4 === 0 ? ' brand' : ''}`,
        campaignId: cid,
        adsetId: null,
        status: s.status,
        effectiveStatus: c.status !== 'ACTIVE' ? 'CAMPAIGN_PAUSED' : s.status,
        dailyBudget: c.cbo ? null : s.budget,
        learningStage: s.learning,
        lastSignificantEditAt: null,
      });
      s.ads.forEach((a, ai) => {
        const aid = `${sid}${ai + 1}`;
        entities.push({
          id: aid,
          level: 'ad',
          name: `Ad ${aid}`,
          campaignId: cid,
          adsetId: sid,
          status: a,
          effectiveStatus:
            c.status !== 'ACTIVE' ? 'CAMPAIGN_PAUSED' : s.status !== 'ACTIVE' ? 'ADSET_PAUSED' : a,
          dailyBudget: null,
          learningStage: null,
          lastSignificantEditAt: null,
        });
      });
    });
  });

  const rowsFor = entities.map((e) =>
    fc
      .tuple(figures, fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 9, maxLength: 9 }))
      .map(([f, days]): [WindowRow, DailyRow[]] => {
        const reach = Math.max(1, Math.round(f.impressions / f.frequency));
        const window: WindowRow = {
          entityId: e.id,
          level: e.level,
          ...sums({
            spend: f.spend,
            purchases: f.purchases,
            purchaseValue: Math.round(f.spend * f.roas),
            impressions: f.impressions,
            reach: f.impressions > 0 ? reach : 0,
            clicks: Math.round((f.impressions * f.ctrPct) / 100),
            linkClicks: Math.round((f.impressions * f.ctrPct) / 200),
          }),
        };
        const daily: DailyRow[] =
          e.level === 'ad'
            ? []
            : days.map((spend, i) => ({
                entityId: e.id,
                level: e.level,
                date: addDays(YESTERDAY, i - 8),
                ...sums({ spend, purchases: spend % 3 }),
              }));
        return [window, daily];
      }),
  );
  return fc.tuple(...rowsFor).map(
    (rows): Snapshot => ({
      account: {
        id: 'act_9',
        name: 'Property account',
        currency: 'USD',
        timezone: 'America/New_York',
        accountStatus: 1,
        minDailyBudget: 100,
      },
      takenAt: NOW,
      window: { preset: 'last_7d', since: addDays(YESTERDAY, -6), until: YESTERDAY },
      purchaseActionType: 'omni_purchase',
      entities,
      windowRows: rows.map(([w]) => w),
      dailyRows: rows.flatMap(([, d]) => d),
    }),
  );
});

export const guardrailConfigArb: fc.Arbitrary<AgentConfigInput> = fc.record({
  targetCpaMinor: fc.integer({ min: 1_000, max: 30_000 }),
  targetRoas: fc.double({ min: 0.5, max: 4, noNaN: true }),
  confidenceLevel: fc.constantFrom(0.8, 0.9, 0.95),
  guardrails: fc.record({
    maxBudgetChangePct: fc.integer({ min: 1, max: 50 }),
    budgetFloorMinor: fc.option(fc.integer({ min: 100, max: 50_000 }), { nil: null }),
    budgetCeilingMinor: fc.option(fc.integer({ min: 1_000, max: 120_000 }), { nil: null }),
    maxActionsPerPlan: fc.integer({ min: 1, max: 6 }),
    entityCooldownHours: fc.constantFrom(0, 6, 24),
    protectedEntityIds: fc.subarray(['1', '2', '11', '21', '111', '212', '33']),
    protectedNamePatterns: fc.constantFrom([], ['*brand*'], ['ad 1*']),
    approvalWaiverMaxDecreasePct: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    maxBudgetChangesPerHour: fc.integer({ min: 1, max: 4 }),
  }),
});

const entityIds = ['1', '2', '3', '11', '12', '21', '22', '31', '111', '112', '211', '311'];
export const historyArb: fc.Arbitrary<AppliedAction[]> = fc.array(
  fc
    .record({
      entityId: fc.constantFrom(...entityIds),
      minutesAgo: fc.integer({ min: 0, max: 80 * 60 }),
      increase: fc.boolean(),
    })
    .map(({ entityId, minutesAgo, increase }) => ({
      entityId,
      level:
        entityId.length === 1
          ? ('campaign' as const)
          : entityId.length === 2
            ? ('adset' as const)
            : ('ad' as const),
      type: 'update_daily_budget' as const,
      from: 10_000,
      to: increase ? 12_000 : 8_000,
      at: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(),
    })),
  { maxLength: 8 },
);

/** A permutation of a list, chosen by fast-check (so failures shrink and replay). */
export function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.array(fc.nat(), { minLength: items.length, maxLength: items.length }).map((keys) =>
    items
      .map((item, i) => ({ item, key: keys[i]!, i }))
      .sort((a, b) => a.key - b.key || a.i - b.i)
      .map((x) => x.item),
  );
}
