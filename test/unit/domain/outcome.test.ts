import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAG_PROFILE, NO_LAG } from '../../../src/domain/conversion-lag.js';
import { addDays, dateRange } from '../../../src/domain/dates.js';
import {
  type DayFigures,
  estimateOutcome,
  normalQuantile,
  type OutcomeWindow,
  outcomeWindow,
} from '../../../src/domain/outcome.js';
import { outcomeSubjects } from '../../../src/domain/outcome-subjects.js';
import { followupSentence } from '../../../src/domain/outcome-text.js';
import type { EntityMeta } from '../../../src/domain/snapshot.js';

const WRITE_DATE = '2026-11-20';
const BEFORE = dateRange('2026-11-13', '2026-11-19');
const AFTER = dateRange('2026-11-21', '2026-11-26');
const WINDOW: OutcomeWindow = {
  writeDate: WRITE_DATE,
  before: BEFORE,
  after: AFTER,
  maturedThrough: '2026-11-26',
};

/** Days of `purchases` a day at a constant CPA (minor units). */
function days(dates: string[], purchases: number, cpa: number, aov = 30_000): DayFigures[] {
  return dates.map((date) => ({ date, spend: purchases * cpa, purchases, purchaseValue: purchases * aov }));
}

const peer = (before: number, after: number) => [...days(BEFORE, 60, before), ...days(AFTER, 60, after)];

describe('outcome window', () => {
  it('leaves the write day out, takes the 7 days before and the days that ended within the horizon', () => {
    // 10:00 New York on 2026-11-20; 72 h later it is 2026-11-23 10:00: the 21st and 22nd have ended.
    const writeMs = Date.parse('2026-11-20T15:00:00Z');
    const w = outcomeWindow({
      writeMs,
      horizonHours: 72,
      nowMs: writeMs + 80 * 3_600_000,
      timeZone: 'America/New_York',
      lag: NO_LAG,
    });
    expect(w.writeDate).toBe('2026-11-20');
    expect(w.after).toEqual(['2026-11-21', '2026-11-22']);
    expect(w.before).toEqual(dateRange('2026-11-13', '2026-11-19'));
    expect(w.maturedThrough).toBe('2026-11-22');
  });

  it('with the default 72 h lag, nothing after the write has matured at 72 h', () => {
    const writeMs = Date.parse('2026-11-20T15:00:00Z');
    const w = outcomeWindow({
      writeMs,
      horizonHours: 72,
      nowMs: writeMs + 72 * 3_600_000,
      timeZone: 'America/New_York',
      lag: DEFAULT_LAG_PROFILE,
    });
    expect(w.maturedThrough! < '2026-11-21').toBe(true);
    const e = estimateOutcome({
      metric: 'cpa',
      window: w,
      subject: peer(10_000, 8_000),
      peers: [peer(10_000, 10_000)],
      confidence: 0.9,
    });
    expect(e).toMatchObject({ verdict: 'inconclusive', reason: 'not_matured' });
    expect(followupSentence({ ...e, horizon: '72h', subjectRole: 'entity' }, 'USD')).toBe(
      'inconclusive at 72 h — not matured yet (too few days with all their purchases in)',
    );
  });
});

describe('estimateOutcome', () => {
  it('calls a CPA that fell while its peers held steady helped, with the money saved', () => {
    const e = estimateOutcome({
      metric: 'cpa',
      window: WINDOW,
      subject: [...days(BEFORE, 40, 10_000), ...days(AFTER, 57, 7_000)],
      peers: [peer(10_000, 10_000), peer(12_000, 12_000)],
      confidence: 0.9,
    });
    expect(e.verdict).toBe('helped');
    expect(e.change!).toBeLessThan(-0.2);
    expect(e.interval!.high).toBeLessThan(0);
    expect(e.moneyMinor!).toBeGreaterThan(0);
    expect(e.peers.count).toBe(2);
  });

  it('calls a parent CPA that rose against steady peers hurt, and says what it cost', () => {
    const e = estimateOutcome({
      metric: 'cpa',
      window: WINDOW,
      subject: [...days(BEFORE, 40, 10_000), ...days(AFTER, 29, 14_000)],
      peers: [peer(10_000, 10_000)],
      confidence: 0.9,
    });
    expect(e.verdict).toBe('hurt');
    expect(e.interval!.low).toBeGreaterThan(0);
    expect(e.moneyMinor!).toBeLessThan(0);
    const text = followupSentence({ ...e, horizon: '72h', subjectRole: 'parent' }, 'USD');
    expect(text).toMatch(
      /^hurt at 72 h — parent CPA \+\d+ % \(interval \+\d+ %…\+\d+ %\) vs peers, ≈ \$[\d,]+ lost$/,
    );
  });

  it('does not blame the write for a change its peers shared', () => {
    const e = estimateOutcome({
      metric: 'cpa',
      window: WINDOW,
      subject: [...days(BEFORE, 40, 10_000), ...days(AFTER, 29, 14_000)],
      peers: [peer(10_000, 14_000)],
      confidence: 0.9,
    });
    expect(e.verdict).toBe('inconclusive');
    expect(Math.abs(e.change!)).toBeLessThan(0.05);
  });

  it('judges ROAS the other way round: up is helped', () => {
    const e = estimateOutcome({
      metric: 'roas',
      window: WINDOW,
      subject: [...days(BEFORE, 40, 10_000), ...days(AFTER, 57, 7_000)],
      peers: [peer(10_000, 10_000)],
      confidence: 0.9,
    });
    expect(e.verdict).toBe('helped');
    expect(e.change!).toBeGreaterThan(0.2);
    expect(e.moneyMinor!).toBeGreaterThan(0);
  });

  it('is inconclusive without untouched peers, and compares the account with itself', () => {
    const subject = [...days(BEFORE, 40, 10_000), ...days(AFTER, 29, 14_000)];
    expect(
      estimateOutcome({ metric: 'cpa', window: WINDOW, subject, peers: [[]], confidence: 0.9 }),
    ).toMatchObject({
      verdict: 'inconclusive',
      reason: 'no_peers',
    });
    const account = estimateOutcome({ metric: 'cpa', window: WINDOW, subject, peers: [], confidence: 0.9 });
    expect(account).toMatchObject({ basis: 'pre_post', verdict: 'hurt' });
  });

  it('widens the interval when the days scatter more than chance allows', () => {
    const steady = [...days(BEFORE, 40, 10_000), ...days(AFTER, 33, 12_000)];
    const noisy = steady.map((d, i) => ({ ...d, purchases: i % 2 === 0 ? d.purchases * 2 : 0 }));
    const width = (subject: DayFigures[]) => {
      const e = estimateOutcome({
        metric: 'cpa',
        window: WINDOW,
        subject,
        peers: [peer(10_000, 10_000)],
        confidence: 0.9,
      });
      return e.interval!.high - e.interval!.low;
    };
    expect(width(noisy)).toBeGreaterThan(width(steady) * 1.5);
  });

  it('normal quantiles are right where it matters', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6449, 3);
    expect(normalQuantile(0.975)).toBeCloseTo(1.96, 3);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263, 3);
  });
});

const dayArb = (date: string) =>
  fc.record({
    date: fc.constant(date),
    spend: fc.integer({ min: 1, max: 500_000 }),
    purchases: fc.integer({ min: 0, max: 60 }),
    purchaseValue: fc.integer({ min: 0, max: 2_000_000 }),
  });
const seriesArb = fc.tuple(...[...BEFORE, ...AFTER].map(dayArb));
const RUNS = { numRuns: 200 };

describe('outcome properties', () => {
  it('a subject that moved exactly like its peers is never helped or hurt', () => {
    fc.assert(
      fc.property(seriesArb, fc.constantFrom('cpa' as const, 'roas' as const), (series, metric) => {
        const e = estimateOutcome({
          metric,
          window: WINDOW,
          subject: series,
          peers: [series],
          confidence: 0.9,
        });
        expect(e.verdict).toBe('inconclusive');
      }),
      RUNS,
    );
  });

  it('days not matured never change the verdict, the interval or the money', () => {
    const maturedThrough = '2026-11-23';
    fc.assert(
      fc.property(seriesArb, seriesArb, seriesArb, (subject, peerSeries, noise) => {
        const w = { ...WINDOW, maturedThrough };
        const a = estimateOutcome({
          metric: 'cpa',
          window: w,
          subject,
          peers: [peerSeries],
          confidence: 0.9,
        });
        const young = (s: DayFigures[]) =>
          s.map((d, i) => (d.date > maturedThrough ? { ...noise[i]!, date: d.date } : d));
        const b = estimateOutcome({
          metric: 'cpa',
          window: w,
          subject: young(subject),
          peers: [young(peerSeries)],
          confidence: 0.9,
        });
        expect(b).toEqual(a);
        expect(a.days.after.every((d) => d <= maturedThrough)).toBe(true);
      }),
      RUNS,
    );
  });

  it('scaling all money by one factor changes no verdict and no relative change', () => {
    fc.assert(
      fc.property(seriesArb, seriesArb, fc.integer({ min: 2, max: 50 }), (subject, peerSeries, k) => {
        const scale = (s: DayFigures[]) => s.map((d) => ({ ...d, spend: d.spend * k }));
        const a = estimateOutcome({
          metric: 'cpa',
          window: WINDOW,
          subject,
          peers: [peerSeries],
          confidence: 0.9,
        });
        const b = estimateOutcome({
          metric: 'cpa',
          window: WINDOW,
          subject: scale(subject),
          peers: [scale(peerSeries)],
          confidence: 0.9,
        });
        expect(b.verdict).toBe(a.verdict);
        if (a.change !== null) expect(b.change!).toBeCloseTo(a.change, 9);
      }),
      RUNS,
    );
  });

  it('more purchases after the write never raise the CPA change nor turn helped into hurt', () => {
    const rank = { hurt: 0, inconclusive: 1, helped: 2 } as const;
    fc.assert(
      fc.property(seriesArb, seriesArb, fc.integer({ min: 1, max: 40 }), (subject, peerSeries, extra) => {
        const a = estimateOutcome({
          metric: 'cpa',
          window: WINDOW,
          subject,
          peers: [peerSeries],
          confidence: 0.9,
        });
        const more = subject.map((d) => (d.date > WRITE_DATE ? { ...d, purchases: d.purchases + extra } : d));
        const b = estimateOutcome({
          metric: 'cpa',
          window: WINDOW,
          subject: more,
          peers: [peerSeries],
          confidence: 0.9,
        });
        if (a.change !== null && b.change !== null) expect(b.change).toBeLessThanOrEqual(a.change + 1e-12);
        // Over-dispersion may widen the interval, but the verdict cannot flip from helped to hurt.
        if (a.verdict === 'helped') expect(b.verdict).not.toBe('hurt');
        expect(rank[b.verdict]).toBeGreaterThanOrEqual(a.verdict === 'helped' ? 1 : 0);
      }),
      RUNS,
    );
  });
});

describe('outcome subjects', () => {
  const e = (
    id: string,
    level: EntityMeta['level'],
    campaignId: string,
    adsetId: string | null = null,
  ): EntityMeta => ({
    id,
    level,
    name: `N${id}`,
    campaignId,
    adsetId,
    status: 'ACTIVE',
    effectiveStatus: 'ACTIVE',
    dailyBudget: level === 'adset' ? 10_000 : null,
    learningStage: null,
    lastSignificantEditAt: null,
  });
  const entities = [
    e('1', 'campaign', '1'),
    e('11', 'adset', '1'),
    e('12', 'adset', '1'),
    e('2', 'campaign', '2'),
    e('21', 'adset', '2'),
    e('3', 'campaign', '3'),
    e('31', 'adset', '3'),
    e('311', 'ad', '3', '31'),
  ];
  const account = { id: 'act_1', name: 'Store' };

  it('measures a budget change on the entity, against ad sets outside every touched campaign', () => {
    const s = outcomeSubjects(
      { type: 'update_daily_budget', level: 'adset', entityId: '11', entityName: null, to: 20_000 },
      account,
      entities,
      ['311'],
    );
    expect(s).toEqual([{ role: 'entity', id: '11', level: 'adset', name: 'N11', peers: ['21'] }]);
  });

  it('measures a pause on the parent and the account; the parent is compared with untouched parents', () => {
    const s = outcomeSubjects(
      { type: 'set_status', level: 'adset', entityId: '11', entityName: null, to: 'PAUSED' },
      account,
      entities,
      ['21'],
    );
    expect(s.map((x) => [x.role, x.id, x.peers])).toEqual([
      ['parent', '1', ['3']],
      ['account', 'act_1', []],
    ]);
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
  });
});

describe('outcome subject properties', () => {
  /** A random account: up to 6 campaigns, each with up to 3 ad sets of up to 2 ads. */
  const accountArb = fc
    .array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 3 }), {
      minLength: 1,
      maxLength: 6,
    })
    .map((campaigns) => {
      const out: EntityMeta[] = [];
      const meta = (
        id: string,
        level: EntityMeta['level'],
        campaignId: string,
        adsetId: string | null,
      ): EntityMeta => ({
        id,
        level,
        name: id,
        campaignId,
        adsetId,
        status: 'ACTIVE',
        effectiveStatus: 'ACTIVE',
        dailyBudget: null,
        learningStage: null,
        lastSignificantEditAt: null,
      });
      campaigns.forEach((adsets, c) => {
        const cid = `c${c}`;
        out.push(meta(cid, 'campaign', cid, null));
        adsets.forEach((ads, a) => {
          const sid = `${cid}s${a}`;
          out.push(meta(sid, 'adset', cid, null));
          for (let d = 0; d < ads; d++) out.push(meta(`${sid}a${d}`, 'ad', cid, sid));
        });
      });
      return out;
    });

  it('peers are at the subject level, never the subject, never in a campaign a write touched', () => {
    fc.assert(
      fc.property(
        accountArb,
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
        (entities, pick, touchedPicks, pause) => {
          const written = entities[pick % entities.length]!;
          const touched = touchedPicks.map((i) => entities[i % entities.length]!.id);
          const subjects = outcomeSubjects(
            {
              type: pause ? 'set_status' : 'update_daily_budget',
              level: written.level,
              entityId: written.id,
              entityName: null,
              to: pause ? 'PAUSED' : 20_000,
            },
            { id: 'act_1', name: 'Store' },
            entities,
            touched,
          );
          const byId = new Map(entities.map((e) => [e.id, e]));
          const hot = new Set([written, ...touched.map((t) => byId.get(t)!)].map((e) => e.campaignId));
          expect(subjects.length).toBeGreaterThan(0);
          for (const s of subjects) {
            if (s.role === 'account') {
              expect(s.peers).toEqual([]);
              continue;
            }
            for (const p of s.peers) {
              const peer = byId.get(p)!;
              expect(peer.level).toBe(s.level);
              expect(p).not.toBe(s.id);
              expect(hot.has(peer.campaignId)).toBe(false);
            }
          }
          if (pause) expect(subjects.every((s) => s.id !== written.id)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
