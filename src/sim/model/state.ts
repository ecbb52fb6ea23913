/**
 * Everything the simulator knows at a moment: the clock, the ad objects, tokens (from the scenario and
 * issued by token exchange), async report runs and the budget-change history. POST /__sim/reset throws
 * it away and builds a new one from the scenario.
 */
import { ManualClock } from '../../lib/clock.js';
import type { InsightsQuery } from '../insights/query.js';
import { defaultLoginUser, type IssuedCode, type LoginUser } from '../login/session.js';
import { generateAccount } from '../scenario/generate.js';
import type { Scenario } from '../scenario/schema.js';
import { localEpochDay } from '../time/local-date.js';
import { parseRfc3339 } from '../time/rfc3339.js';
import type { SimActivity } from './activities.js';
import { buildExplicitAccount } from './build.js';
import type { Account, Ad, AdSet, Campaign, Creative } from './types.js';

export interface TokenRecord {
  token: string;
  type: 'USER' | 'SYSTEM_USER';
  userId: string;
  scopes: string[];
  /** Unix seconds; 0 = never expires. */
  expiresAt: number;
  /** act_ ids the token may reach; undefined = all. */
  adAccounts: string[] | undefined;
  valid: boolean;
  issuedAtMs: number;
}

export interface ReportRunFailure {
  error_code: number;
  error_subcode?: number | undefined;
  error_message: string;
  error_user_title?: string | undefined;
  error_user_msg?: string | undefined;
}

export interface ReportRun {
  kind: 'report_run';
  id: string;
  account: Account;
  scope: Account | Campaign | AdSet | Ad;
  query: InsightsQuery;
  createdMs: number;
  /** How many GETs of the run it takes to complete; each GET advances it one step. */
  pollsToComplete: number;
  polls: number;
  completedMs: number | undefined;
  failure: ReportRunFailure | undefined;
}

export type GraphObject = Account | Campaign | AdSet | Ad | Creative | ReportRun;

export class SimState {
  readonly clock: ManualClock;
  readonly accounts: Account[] = [];
  readonly objects = new Map<string, GraphObject>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly pages: Array<{ id: string; name: string }>;
  /** Budget writes per object id (ad set, or campaign for CBO), as epoch ms, for the 4-per-hour rule. */
  readonly budgetChanges = new Map<string, number[]>();
  readonly usedCodes = new Set<string>();
  /** Who logs in at the simulated login dialog (POST /__sim/login), and the codes it has issued. */
  login: LoginUser;
  readonly codes = new Map<string, IssuedCode>();
  /** The accounts' activity logs, oldest first (GET act_X/activities serves them newest first). */
  readonly activities: SimActivity[] = [];
  /** Bumped on every change to an object, so cached insights results know they are stale. */
  version = 0;
  private nextId = 1;

  constructor(readonly scenario: Scenario) {
    const nowMs = parseRfc3339(scenario.now) as number;
    this.clock = new ManualClock(nowMs);
    this.pages = scenario.pages ?? [];
    this.login = defaultLoginUser(scenario);
    const used = new Set<string>(this.pages.map((p) => p.id));
    for (const a of scenario.ad_accounts) {
      used.add(a.id);
      for (const c of a.campaigns ?? []) {
        used.add(c.id);
        for (const s of c.adsets) {
          used.add(s.id);
          for (const ad of s.ads) used.add(ad.id);
        }
      }
    }
    for (const spec of scenario.ad_accounts) {
      const account = spec.generate
        ? generateAccount(spec, spec.generate, nowMs, used)
        : buildExplicitAccount(spec, nowMs);
      this.accounts.push(account);
      this.objects.set(account.id, account);
      for (const c of account.campaigns) {
        this.objects.set(c.id, c);
        for (const s of c.adsets) {
          this.objects.set(s.id, s);
          for (const ad of s.ads) {
            this.objects.set(ad.id, ad);
            // Hand-written ads name their creative; give it a node so GET {creative_id} works.
            if (!spec.generate && ad.creativeId && !this.objects.has(ad.creativeId)) {
              this.objects.set(ad.creativeId, {
                kind: 'creative',
                id: ad.creativeId,
                account,
                name: `Creative for ${ad.name}`,
                objectStorySpec: undefined,
                createdMs: ad.createdMs,
              });
            }
          }
        }
      }
    }
    for (const t of scenario.tokens) {
      this.tokens.set(t.token, {
        token: t.token,
        type: t.type,
        userId: t.user_id ?? '100000000000000',
        scopes: t.scopes,
        expiresAt: t.expires_at,
        adAccounts: t.ad_accounts,
        valid: t.valid,
        issuedAtMs: nowMs - 86_400_000,
      });
    }
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  /** The account's local calendar date now, as an epoch day. */
  today(account: Account): number {
    return localEpochDay(this.nowMs(), account.timezone);
  }

  /** A fresh Graph id (17 digits), never one already in use. */
  newId(prefix = '2385'): string {
    for (;;) {
      const id = prefix + String(this.nextId++).padStart(13, '0');
      if (!this.objects.has(id) && !this.pages.some((p) => p.id === id)) return id;
    }
  }

  touched(): void {
    this.version++;
  }
}
