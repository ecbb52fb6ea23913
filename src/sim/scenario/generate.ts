/**
 * `generate`: a large ad account built deterministically from a seed, straight into live objects and
 * typed arrays (never an intermediate JSON scenario, which would cost gigabytes at 100 000 ads).
 *
 * What it makes, all drawn from one PRNG seeded with `<seed>|<account id>`:
 * - round(campaigns × cbo_share) campaigns with a campaign budget (CBO), chosen by a seeded shuffle;
 *   their ad sets carry no budget, every other ad set does (never below min_daily_budget);
 * - about 8 % of campaigns, 7 % of ad sets and 6 % of ads PAUSED (they stopped delivering 3 days ago);
 * - about 20 % of ad sets LEARNING (significant edit in the last 5 days) and 5 % FAIL;
 * - `days` complete days of delivery ending yesterday (no partial row for today); each ad has its own
 *   CPA, a log-normal scatter around target_cpa, so purchases ~ Poisson(spend / ad CPA).
 */

import { minorUnitsPerMajor } from '../../domain/money.js';
import { accountShell } from '../model/build.js';
import { Delivery } from '../model/delivery.js';
import type { Account, Ad, AdSet, Campaign, LearningStage, Status } from '../model/types.js';
import { localEpochDay } from '../time/local-date.js';
import { Prng } from './prng.js';
import type { GenerateSpec, ScenarioAccount } from './schema.js';

const DAY_MS = 86_400_000;

const CAMPAIGN_THEMES = [
  'Prospecting',
  'Retargeting',
  'Evergreen',
  'Launch',
  'Seasonal Promo',
  'Catalog Sales',
];
const AUDIENCES = [
  'Broad',
  'Lookalike 1%',
  'Lookalike 3%',
  'Interests',
  'Site visitors 30d',
  'Cart abandoners 7d',
];
const CREATIVES = ['UGC video', 'Static image', 'Carousel', 'Testimonial', 'Founder story', 'Offer banner'];

function uniqueId(prng: Prng, prefix: string, used: Set<string>): string {
  for (;;) {
    const id = prefix + prng.digits(15);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

export function generateAccount(
  spec: ScenarioAccount,
  gen: GenerateSpec,
  nowMs: number,
  usedIds: Set<string>,
): Account {
  const prng = new Prng(`${gen.seed}|${spec.id}`);
  const perMajor = minorUnitsPerMajor(spec.currency);
  const today = localEpochDay(nowMs, spec.timezone_name);
  const firstDay = today - gen.days;
  const adCount = gen.campaigns * gen.adsets_per_campaign * gen.ads_per_adset;
  const delivery = new Delivery(firstDay, gen.days, adCount, false);
  const accountCreated = (firstDay - 60) * DAY_MS;
  const account = accountShell(spec, delivery, accountCreated);
  const scale = gen.target_cpa / 40;

  // Exactly round(campaigns × share) CBO campaigns, at seeded positions.
  const order = Array.from({ length: gen.campaigns }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const cbo = new Set(order.slice(0, Math.round(gen.campaigns * gen.cbo_share)));

  // Budgets in whole dollars (100 minor units), or hundreds of yen in zero-decimal currencies.
  const budgetMinor = (major: number) =>
    Math.max(spec.min_daily_budget, Math.round((major * perMajor) / 100) * 100);
  const status = (pausedShare: number): Status => (prng.next() < pausedShare ? 'PAUSED' : 'ACTIVE');

  let row = 0;
  for (let ci = 0; ci < gen.campaigns; ci++) {
    const isCbo = cbo.has(ci);
    const created = accountCreated + prng.int(1, 50) * DAY_MS;
    const theme = prng.pick(CAMPAIGN_THEMES);
    const campaign: Campaign = {
      kind: 'campaign',
      id: uniqueId(prng, '1202', usedIds),
      account,
      name: `${theme} ${String(ci + 1).padStart(3, '0')}`,
      objective: prng.next() < 0.8 ? 'OUTCOME_SALES' : prng.pick(['OUTCOME_TRAFFIC', 'OUTCOME_LEADS']),
      status: status(0.08),
      dailyBudget: undefined,
      specialAdCategories: [],
      createdMs: created,
      updatedMs: created,
      adsets: [],
    };
    account.campaigns.push(campaign);
    let campaignBudgetMajor = 0;
    for (let si = 0; si < gen.adsets_per_campaign; si++) {
      const budgetMajor = gen.target_cpa * prng.between(1.5, 6);
      campaignBudgetMajor += budgetMajor;
      const roll = prng.next();
      const learning: LearningStage = roll < 0.2 ? 'LEARNING' : roll < 0.25 ? 'FAIL' : 'SUCCESS';
      const sinceEditDays = learning === 'LEARNING' ? prng.between(0.5, 5) : prng.between(8, 60);
      const adset: AdSet = {
        kind: 'adset',
        id: uniqueId(prng, '1203', usedIds),
        account,
        campaign,
        name: `${campaign.name} / ${prng.pick(AUDIENCES)} ${si + 1}`,
        status: status(0.07),
        dailyBudget: isCbo ? undefined : budgetMinor(budgetMajor),
        optimizationGoal: 'OFFSITE_CONVERSIONS',
        billingEvent: 'IMPRESSIONS',
        learningStage: learning,
        lastSigEditMs: Math.round(nowMs - sinceEditDays * DAY_MS),
        createdMs: created,
        updatedMs: created,
        ads: [],
      };
      campaign.adsets.push(adset);
      const perAdMajor = budgetMajor / gen.ads_per_adset;
      for (let ai = 0; ai < gen.ads_per_adset; ai++) {
        const ad: Ad = {
          kind: 'ad',
          id: uniqueId(prng, '1204', usedIds),
          account,
          campaign,
          adset,
          name: `${prng.pick(CREATIVES)} v${ai + 1}`,
          status: status(0.06),
          creativeId: prng.digits(15),
          createdMs: created,
          updatedMs: created,
          row,
        };
        adset.ads.push(ad);
        const stopped = ad.status !== 'ACTIVE' || adset.status !== 'ACTIVE' || campaign.status !== 'ACTIVE';
        fillAdDelivery(prng, delivery, row, firstDay, gen, perAdMajor, scale, stopped, perMajor);
        row++;
      }
    }
    if (isCbo) campaign.dailyBudget = budgetMinor(campaignBudgetMajor);
  }
  return account;
}

function fillAdDelivery(
  prng: Prng,
  delivery: Delivery,
  row: number,
  firstDay: number,
  gen: GenerateSpec,
  perAdMajor: number,
  scale: number,
  stopped: boolean,
  perMajor: number,
): void {
  const adCpa = gen.target_cpa * Math.exp(0.45 * prng.normal());
  const cpm = prng.between(6, 22) * scale;
  const ctr = prng.between(0.006, 0.025);
  const linkShare = prng.between(0.6, 0.9);
  const orderValue = gen.target_cpa * prng.between(1.2, 3);
  const share = prng.between(0.4, 1.6);
  const cents = (major: number) => Math.round(major * perMajor) / perMajor;
  const lastDeliveringDay = stopped
    ? firstDay + gen.days - 1 - Math.min(3, gen.days)
    : firstDay + gen.days - 1;
  for (let d = 0; d < gen.days; d++) {
    const day = firstDay + d;
    if (day > lastDeliveringDay) continue;
    const spend = cents(perAdMajor * share * prng.between(0.7, 1.15));
    const impressions = Math.round((spend / cpm) * 1000);
    const reach = Math.min(impressions, Math.round(impressions / prng.between(1.05, 1.45)));
    const clicks = Math.round(impressions * ctr * prng.between(0.8, 1.2));
    const purchases = prng.poisson(spend / adCpa);
    delivery.set(row, day, {
      impressions,
      reach,
      clicks,
      linkClicks: Math.round(clicks * linkShare),
      spend,
      purchases,
      purchaseValue: purchases === 0 ? 0 : cents(purchases * orderValue * prng.between(0.85, 1.15)),
    });
  }
}
