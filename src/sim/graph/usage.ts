/**
 * Meta's rate limiting, simplified to one rolling hour on the simulated clock:
 * - per ad account and use case (ads_management, ads_insights) a call budget; a call made when the
 *   last hour already holds that many fails with 80004 / 80000 (or 17 in the legacy style), subcode
 *   2446079. Throttled calls still count, as Meta warns, so a client that keeps calling stays blocked;
 * - usage headers on every response report the hour's use as whole percentages of the budget, and
 *   estimated_time_to_regain_access (minutes) once throttled. Advancing the clock lets calls age out.
 */
export type UseCase = 'ads_management' | 'ads_insights';
export type ThrottleStyle = 'buc' | 'legacy';

const HOUR_MS = 3_600_000;

export interface UsageLimits {
  /** Calls per hour per ad account and use case. */
  callsPerHour: number;
  /** Calls per hour for the whole app (X-App-Usage). */
  appCallsPerHour: number;
  throttleStyle: ThrottleStyle;
  /** Per-account overrides: "<account digits>:<use case>" → calls per hour. */
  perAccount: Map<string, number>;
}

export class UsageTracker {
  private readonly calls = new Map<string, number[]>();
  private readonly appCalls: number[] = [];
  private readonly appInsightsCalls: number[] = [];

  constructor(readonly limits: UsageLimits) {}

  private window(list: number[], now: number): number[] {
    let drop = 0;
    while (drop < list.length && (list[drop] as number) <= now - HOUR_MS) drop++;
    if (drop > 0) list.splice(0, drop);
    return list;
  }

  private list(key: string, now: number): number[] {
    let l = this.calls.get(key);
    if (!l) {
      l = [];
      this.calls.set(key, l);
    }
    return this.window(l, now);
  }

  budget(account: string, useCase: UseCase): number {
    return this.limits.perAccount.get(`${account}:${useCase}`) ?? this.limits.callsPerHour;
  }

  /** Records a call; returns true when it is over the budget (and so must fail). */
  record(account: string | undefined, useCase: UseCase | undefined, now: number): boolean {
    this.window(this.appCalls, now).push(now);
    if (useCase === 'ads_insights') this.window(this.appInsightsCalls, now).push(now);
    if (account === undefined || useCase === undefined) return false;
    const list = this.list(`${account}:${useCase}`, now);
    const over = list.length >= this.budget(account, useCase);
    list.push(now);
    return over;
  }

  private pct(n: number, budget: number): number {
    return budget <= 0 ? 100 : Math.floor((n * 100) / budget);
  }

  /** Minutes until a new call would be accepted again; 0 when it would be now. */
  regainMinutes(account: string, useCase: UseCase, now: number): number {
    const list = this.list(`${account}:${useCase}`, now);
    const budget = this.budget(account, useCase);
    if (list.length < budget) return 0;
    const freesAt = (list[list.length - budget] as number) + HOUR_MS;
    return Math.max(1, Math.ceil((freesAt - now) / 60_000));
  }

  private entry(account: string, useCase: UseCase, now: number) {
    const n = this.list(`${account}:${useCase}`, now).length;
    const pct = this.pct(n, this.budget(account, useCase));
    return {
      type: useCase,
      call_count: pct,
      total_cputime: Math.floor(pct * 0.6),
      total_time: Math.floor(pct * 0.8),
      estimated_time_to_regain_access: this.regainMinutes(account, useCase, now),
      ads_api_access_tier: 'standard_access',
    };
  }

  headers(account: string | undefined, now: number): Record<string, string> {
    const appPct = this.pct(this.window(this.appCalls, now).length, this.limits.appCallsPerHour);
    const out: Record<string, string> = {
      'x-app-usage': JSON.stringify({
        call_count: appPct,
        total_time: Math.floor(appPct * 0.8),
        total_cputime: Math.floor(appPct * 0.6),
      }),
    };
    if (account === undefined) return out;
    const management = this.entry(account, 'ads_management', now);
    const insights = this.entry(account, 'ads_insights', now);
    out['x-business-use-case-usage'] = JSON.stringify({ [account]: [management, insights] });
    const oldest = this.list(`${account}:ads_management`, now)[0];
    out['x-ad-account-usage'] = JSON.stringify({
      acc_id_util_pct: management.call_count,
      reset_time_duration: oldest === undefined ? 0 : Math.ceil((oldest + HOUR_MS - now) / 1000),
      ads_api_access_tier: 'standard_access',
    });
    const appInsightsPct = this.pct(
      this.window(this.appInsightsCalls, now).length,
      this.limits.appCallsPerHour,
    );
    out['x-fb-ads-insights-throttle'] = JSON.stringify({
      app_id_util_pct: appInsightsPct,
      acc_id_util_pct: insights.call_count,
      ads_api_access_tier: 'standard_access',
    });
    return out;
  }

  /**
   * The headers Meta sends with a throttle it answered (an injected fault): the exhausted budget at
   * 100 % with the wait Meta gives for it — estimated_time_to_regain_access (minutes) in
   * X-Business-Use-Case-Usage for the use case the code names (80000 insights, 80004 management, …),
   * X-Ad-Account-Usage at 100 % with reset_time_duration (seconds) for the account limits 17 and 613,
   * and X-App-Usage at 100 % (which carries no time) for the app limit 4.
   */
  throttledHeaders(
    account: string | undefined,
    now: number,
    code: number,
    useCase: UseCase,
    regainMinutes: number,
  ): Record<string, string> {
    const out = this.headers(account, now);
    if (code === 4) {
      out['x-app-usage'] = JSON.stringify({ call_count: 100, total_time: 100, total_cputime: 100 });
      return out;
    }
    if (account === undefined) return out;
    const exhausted = {
      ...this.entry(account, useCase, now),
      call_count: 100,
      estimated_time_to_regain_access: regainMinutes,
    };
    const other = this.entry(account, useCase === 'ads_insights' ? 'ads_management' : 'ads_insights', now);
    out['x-business-use-case-usage'] = JSON.stringify({ [account]: [exhausted, other] });
    if (code === 17 || code === 613) {
      out['x-ad-account-usage'] = JSON.stringify({
        acc_id_util_pct: 100,
        reset_time_duration: regainMinutes * 60,
        ads_api_access_tier: 'standard_access',
      });
    }
    return out;
  }
}
