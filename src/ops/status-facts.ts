/** What `status` says about one agent; pure, so both the database and the read model can answer it. */
export interface StatusResult {
  adAccountId: string;
  accountName: string | null;
  currency: string;
  /** The account's time zone (Meta's timezone_name), in which operators read times. */
  timezoneName: string | null;
  targetCpaMinor: number | null;
  targetRoas: number | null;
  enabled: boolean;
  executionEnabled: boolean;
  intervalSeconds: number;
  halted: boolean;
  haltedReason: string | null;
  haltedBy: string | null;
  environment: 'sandbox' | 'live';
  slackTarget: string | null;
  lastRun: { id: string; status: string; startedAt: string; finishedAt: string | null } | null;
  /** When a worker has scheduled the next poll; null when none has (or while halted or disabled). */
  nextRunAt: string | null;
  schedule: 'scheduled' | 'not_scheduled' | 'halted' | 'disabled';
  token: { mode: string; expiresAt: string | null; expiresInDays: number | null };
  plan: { id: string; expiresAt: string; expired: boolean; counts: Record<string, number> } | null;
}

/**
 * What status reports that does not depend on the time it is read: the stored state. Token expiry in
 * days and whether the plan has expired are worked out from these at read time (statusAt), so a
 * snapshot of the facts (status-snapshot.ts) answers exactly as the database would, at any later time.
 */
export interface StatusFacts extends Omit<StatusResult, 'token' | 'plan'> {
  token: { mode: string; expiresAt: string | null };
  plan: { id: string; expiresAt: string; counts: Record<string, number> } | null;
}

/** The status as of `now`: the facts plus what depends on the time (token days left, plan expired). */
export function statusAt(facts: StatusFacts, now: Date): StatusResult {
  const expiresAt = facts.token.expiresAt === null ? null : Date.parse(facts.token.expiresAt);
  return {
    ...facts,
    token: {
      mode: facts.token.mode,
      expiresAt: facts.token.expiresAt,
      expiresInDays: expiresAt === null ? null : Math.floor((expiresAt - now.getTime()) / 86_400_000),
    },
    plan: facts.plan
      ? {
          id: facts.plan.id,
          expiresAt: facts.plan.expiresAt,
          expired: Date.parse(facts.plan.expiresAt) <= now.getTime(),
          counts: facts.plan.counts,
        }
      : null,
  };
}
