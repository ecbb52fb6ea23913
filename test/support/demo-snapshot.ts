import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addDays, lastCompleteDay } from '../../src/domain/dates.js';
import { toMinorUnits } from '../../src/domain/money.js';
import type {
  ConfiguredStatus,
  DailyRow,
  DeliverySums,
  EntityMeta,
  LearningStage,
  Level,
  Snapshot,
  WindowRow,
} from '../../src/domain/snapshot.js';

/**
 * Builds the Snapshot the engine would see for a simulator scenario with written-out campaigns
 * (sim/SCENARIO.md): ad rows summed up to ad sets and campaigns, reach combined the way the simulator
 * reports it (over days: max + 0.35 × rest; over ads: max + 0.8 × rest; rounded), spend and values
 * converted from major units once.
 */

interface ScenarioDay {
  date: string;
  impressions: number;
  reach: number;
  clicks: number;
  inline_link_clicks: number;
  spend: number;
  purchases: number;
  purchase_value: number;
}
interface ScenarioAd {
  id: string;
  name: string;
  status: ConfiguredStatus;
  daily?: ScenarioDay[];
}
interface ScenarioAdSet {
  id: string;
  name: string;
  status: ConfiguredStatus;
  daily_budget?: number;
  learning_stage?: LearningStage;
  last_significant_edit?: string;
  ads: ScenarioAd[];
}
interface ScenarioCampaign {
  id: string;
  name: string;
  status: ConfiguredStatus;
  daily_budget?: number;
  adsets: ScenarioAdSet[];
}
interface ScenarioAccount {
  id: string;
  name: string;
  currency: string;
  timezone_name: string;
  account_status: number;
  min_daily_budget: number;
  campaigns: ScenarioCampaign[];
}
export interface Scenario {
  now: string;
  ad_accounts: ScenarioAccount[];
}

/** The project's copy of ../shared/sim/examples/seed-demo.json (test/unit/sim/copies.test.ts proves them equal). */
export const SEED_DEMO_PATH = fileURLToPath(new URL('../../examples/seed-demo.json', import.meta.url));

export function loadScenario(path: string): Scenario {
  return JSON.parse(readFileSync(path, 'utf8')) as Scenario;
}

const combineReach = (reaches: number[], overlap: number): number => {
  if (reaches.length === 0) return 0;
  const max = Math.max(...reaches);
  const sum = reaches.reduce((a, b) => a + b, 0);
  return Math.round(max + overlap * (sum - max));
};
const DAYS_OVERLAP = 0.35;
const CHILDREN_OVERLAP = 0.8;

interface AdDay extends DeliverySums {
  date: string;
}

function sumsOf(days: AdDay[], reach: number): DeliverySums {
  const total: DeliverySums = {
    spend: 0,
    impressions: 0,
    reach,
    clicks: 0,
    linkClicks: 0,
    purchases: 0,
    purchaseValue: 0,
  };
  for (const d of days) {
    total.spend += d.spend;
    total.impressions += d.impressions;
    total.clicks += d.clicks;
    total.linkClicks += d.linkClicks;
    total.purchases += d.purchases;
    total.purchaseValue += d.purchaseValue;
  }
  return total;
}

export interface SnapshotFromScenarioOptions {
  accountIndex?: number;
  /** Complete days in the decision window (7 for last_7d). */
  windowDays?: number;
  /** Complete days of daily rows. */
  dailyDays?: number;
}

export function snapshotFromScenario(
  scenario: Scenario,
  options: SnapshotFromScenarioOptions = {},
): Snapshot {
  const account = scenario.ad_accounts[options.accountIndex ?? 0]!;
  const currency = account.currency;
  const windowDays = options.windowDays ?? 7;
  const until = lastCompleteDay(scenario.now, account.timezone_name);
  const since = addDays(until, -(windowDays - 1));
  const dailySince = addDays(until, -((options.dailyDays ?? 14) - 1));

  const entities: EntityMeta[] = [];
  const windowRows: WindowRow[] = [];
  const dailyRows: DailyRow[] = [];

  const adDays = new Map<string, AdDay[]>();
  const pushRows = (id: string, level: Level, ads: ScenarioAd[]) => {
    const perAd = ads.map((ad) => adDays.get(ad.id) ?? []);
    const inWindow = perAd.map((days) => days.filter((d) => d.date >= since && d.date <= until));
    const adReach = inWindow.map((days) =>
      combineReach(
        days.map((d) => d.reach),
        DAYS_OVERLAP,
      ),
    );
    const reach =
      level === 'ad'
        ? adReach[0]!
        : combineReach(
            adReach.filter((r) => r > 0),
            CHILDREN_OVERLAP,
          );
    const sums = sumsOf(inWindow.flat(), reach);
    if (sums.impressions > 0 || sums.spend > 0) windowRows.push({ entityId: id, level, ...sums });

    const dates = [...new Set(perAd.flat().map((d) => d.date))]
      .filter((d) => d >= dailySince && d <= until)
      .sort();
    for (const date of dates) {
      const today = perAd.flatMap((days) => days.filter((d) => d.date === date));
      const dayReach =
        level === 'ad'
          ? today[0]!.reach
          : combineReach(
              today.map((d) => d.reach),
              CHILDREN_OVERLAP,
            );
      dailyRows.push({ entityId: id, level, date, ...sumsOf(today, dayReach) });
    }
  };

  for (const campaign of account.campaigns) {
    const campaignAds: ScenarioAd[] = [];
    entities.push({
      id: campaign.id,
      level: 'campaign',
      name: campaign.name,
      campaignId: campaign.id,
      adsetId: null,
      status: campaign.status,
      effectiveStatus: campaign.status,
      dailyBudget: campaign.daily_budget ?? null,
      learningStage: null,
      lastSignificantEditAt: null,
    });
    for (const adset of campaign.adsets) {
      entities.push({
        id: adset.id,
        level: 'adset',
        name: adset.name,
        campaignId: campaign.id,
        adsetId: null,
        status: adset.status,
        effectiveStatus: campaign.status !== 'ACTIVE' ? 'CAMPAIGN_PAUSED' : adset.status,
        dailyBudget: adset.daily_budget ?? null,
        learningStage: adset.learning_stage ?? 'SUCCESS',
        lastSignificantEditAt: adset.last_significant_edit ?? null,
      });
      for (const ad of adset.ads) {
        entities.push({
          id: ad.id,
          level: 'ad',
          name: ad.name,
          campaignId: campaign.id,
          adsetId: adset.id,
          status: ad.status,
          effectiveStatus:
            campaign.status !== 'ACTIVE'
              ? 'CAMPAIGN_PAUSED'
              : adset.status !== 'ACTIVE'
                ? 'ADSET_PAUSED'
                : ad.status,
          dailyBudget: null,
          learningStage: null,
          lastSignificantEditAt: null,
        });
        adDays.set(
          ad.id,
          (ad.daily ?? []).map((d) => ({
            date: d.date,
            spend: toMinorUnits(String(d.spend), currency),
            impressions: d.impressions,
            reach: d.reach,
            clicks: d.clicks,
            linkClicks: d.inline_link_clicks,
            purchases: d.purchases,
            purchaseValue: toMinorUnits(String(d.purchase_value), currency),
          })),
        );
        pushRows(ad.id, 'ad', [ad]);
      }
      pushRows(adset.id, 'adset', adset.ads);
      campaignAds.push(...adset.ads);
    }
    pushRows(campaign.id, 'campaign', campaignAds);
  }

  return {
    account: {
      id: account.id,
      name: account.name,
      currency,
      timezone: account.timezone_name,
      accountStatus: account.account_status,
      minDailyBudget: account.min_daily_budget,
    },
    takenAt: scenario.now,
    window: { preset: windowDays === 7 ? 'last_7d' : `last_${windowDays}d`, since, until },
    purchaseActionType: 'omni_purchase',
    entities,
    windowRows,
    dailyRows,
  };
}

/** The seed-demo account (Demo Store US): the MetaBuyer workflow transcript's figures. */
export function demoSnapshot(): Snapshot {
  return snapshotFromScenario(loadScenario(SEED_DEMO_PATH));
}
