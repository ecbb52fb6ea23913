import type { AgentConfig } from '../domain/agent-config.js';
import type { RuleId } from '../domain/recommendation.js';
import { type MeasuredPrecision, type ShadowStatus, shadowStatuses } from '../domain/shadow.js';

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
  plan: {
    id: string;
    expiresAt: string;
    expired: boolean;
    counts: Record<string, number>;
    /** Actions not yet settled whose object someone else changed after the plan (the newest change each). */
    outsideChanges: PlanOutsideChange[];
  } | null;
  /** Minimum backtest precision per rule, in whole percents, and the judged verdicts it needs. */
  minPrecisionPct: Record<string, number>;
  minPrecisionCases: number;
  /** Rules in shadow now, and why, on the stored measurements (src/domain/shadow.ts). */
  shadow: ShadowStatus[];
  killSwitch: { enabled: boolean; paceMultiple: number; maxWriteFailures: number; windowMinutes: number };
  /** The newest halt, trip or resume: why the agent stopped, or who resumed it. */
  lastEvent: AgentEventEntry | null;
}

export interface PlanOutsideChange {
  key: string;
  entityId: string;
  at: string;
  by: string;
  kind: string;
  sentence: string;
}

export interface AgentEventEntry {
  at: string;
  kind: 'trip' | 'halt' | 'resume';
  tripKind: string | null;
  reason: string;
  actor: string;
}

/**
 * What status reports that does not depend on the time it is read: the stored state. Token expiry in
 * days and whether the plan has expired are worked out from these at read time (statusAt), so a
 * snapshot of the facts (status-snapshot.ts) answers exactly as the database would, at any later time.
 */
export interface StatusFacts extends Omit<StatusResult, 'token' | 'plan' | 'shadow'> {
  token: { mode: string; expiresAt: string | null };
  plan: {
    id: string;
    expiresAt: string;
    counts: Record<string, number>;
    outsideChanges: PlanOutsideChange[];
  } | null;
  /** Which rules are in shadow depends on the age of their measurements: judged at read time. */
  shadowInputs: { config: AgentConfig; measured: Partial<Record<RuleId, MeasuredPrecision>> };
}

/** The status as of `now`: the facts plus what depends on the time (token days left, plan expired). */
export function statusAt(facts: StatusFacts, now: Date): StatusResult {
  const expiresAt = facts.token.expiresAt === null ? null : Date.parse(facts.token.expiresAt);
  const { shadowInputs, ...rest } = facts;
  return {
    ...rest,
    shadow: shadowStatuses(shadowInputs.config, shadowInputs.measured, now.toISOString()),
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
          outsideChanges: facts.plan.outsideChanges,
        }
      : null,
  };
}
