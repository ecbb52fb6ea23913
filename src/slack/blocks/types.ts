/**
 * The view models the Block Kit renderers take. They are deliberately small and plain: the Slack app
 * maps ops results (RunNowResult, PlanActionsResult, StatusResult, action rows…) onto them, so the
 * renderers stay pure and testable without a database. Money is integer minor units of `currency`;
 * times are ISO strings; people are Slack user ids (U…), shown as mentions.
 */
import type { ActionStatus } from '../../domain/action-state.js';
import type { RecommendationLevel, RuleId, Severity } from '../../domain/recommendation.js';
import type { ConfiguredStatus } from '../../domain/snapshot.js';

export type Environment = 'sandbox' | 'live';

export interface EntityRef {
  level: RecommendationLevel;
  id: string;
  /** Untrusted: comes from Meta. Escaped by the renderers. */
  name: string;
}

export type ActionChange =
  | { type: 'set_status'; from: ConfiguredStatus; to: 'ACTIVE' | 'PAUSED' }
  | { type: 'update_daily_budget'; from: number; to: number };

/** The four numbers of a report; null where undefined (CPA without purchases, ROAS without spend). */
export interface ReportFigures {
  spend: number;
  purchases: number;
  cpa: number | null;
  roas: number | null;
}

export interface ReportRecommendation {
  severity: Severity;
  rule: RuleId;
  entity: EntityRef;
  /** The evidence sentence an operator reads. */
  sentence: string;
  /** The plan action key (A1…) when the recommendation became an action. */
  actionKey?: string | null;
}

export interface ReportBanners {
  halted?: { reason: string | null; by: string | null; at: string | null } | null;
  /** The tracking_broken sentence, when purchases stopped arriving. */
  trackingBroken?: string | null;
  /** The data behind the report is older than it should be. */
  staleData?: { lastSuccessAt: string; ageHours: number } | null;
  /** The Meta token expires soon (or has expired: daysLeft <= 0). */
  tokenExpiry?: { expiresAt: string; daysLeft: number } | null;
}

export interface ReportView {
  runId: string;
  adAccountId: string;
  accountName: string;
  currency: string;
  environment: Environment;
  window: { since: string; until: string };
  current: ReportFigures;
  /** The same figures over the window before; null when there is none to compare with. */
  previous: ReportFigures | null;
  /** Account spend per day, minor units, oldest first (14 days); null for a day without data. */
  dailySpend: (number | null)[];
  /** Already ordered by severity and rule, as the engine returns them. */
  recommendations: ReportRecommendation[];
  banners: ReportBanners;
  /** The plan the approval queue shows, when one was built. */
  planId?: string | null;
  /** Rules the run kept in shadow (they recommend, plan nothing), and why. */
  shadow?: ReadonlyArray<{ rule: string; reason: string }>;
}

export interface ActionDecisionView {
  by: string;
  at: string;
  reason?: string | null;
}

export interface QueueActionView {
  key: string;
  entity: EntityRef & { level: 'campaign' | 'adset' | 'ad' };
  change: ActionChange;
  requiresApproval: boolean;
  status: ActionStatus;
  /** The evidence sentence. */
  why: string;
  /** How strong the evidence is, in words ("90 % confidence bound", "threshold"). */
  evidenceGrade: string | null;
  /** Who last approved or rejected it, and when (with the reason for a rejection). */
  decision?: ActionDecisionView | null;
  /** For applied / failed / stale / rolled_back: when, and what happened. */
  outcome?: { at: string | null; detail: string | null } | null;
}

export type PlanState = 'active' | 'superseded' | 'executed' | 'expired';

export interface QueueView {
  planId: string;
  agentId: string;
  adAccountId: string;
  currency: string;
  environment: Environment;
  state: PlanState;
  expiresAt: string;
  actions: QueueActionView[];
  /** The plan that replaced this one (superseded), with a link to its message when known. */
  activePlan?: { id: string; permalink: string | null } | null;
}

export interface ConfirmItem {
  key: string;
  entity: EntityRef & { level: 'campaign' | 'adset' | 'ad' };
  change: ActionChange;
}

export interface ConfirmView {
  kind: 'execute' | 'rollback';
  agentId: string;
  /** The plan for execute; null for rollback (it works on the action log). */
  planId: string | null;
  adAccountId: string;
  accountName: string;
  environment: Environment;
  currency: string;
  items: ConfirmItem[];
}

export interface HomeAgentView {
  agentId: string;
  adAccountId: string;
  accountName: string;
  currency: string;
  environment: Environment;
  token: { expiresAt: string | null; daysLeft: number | null };
  targets: { cpa: number | null; roas: number | null };
  /** The rule thresholds worth showing, already labelled ("Max frequency": "3.5"). */
  thresholds: { label: string; value: string }[];
  window: { datePreset: string; attributionWindow: string };
  schedule: { intervalSeconds: number; nextRunAt: string | null };
  enabled: boolean;
  executionEnabled: boolean;
  operators: string[];
  approvers: string[];
  halted: { reason: string | null; by: string | null; at: string | null } | null;
  lastRun: { id: string; status: string; startedAt: string; summaryLine: string | null } | null;
  slackChannel: string | null;
}

/** One Meta connection of the workspace, as App Home lists it. */
export interface HomeConnectionView {
  adAccountId: string;
  /** Untrusted: comes from Meta. */
  accountName: string | null;
  environment: Environment;
  method: 'oauth' | 'token';
  tokenType: 'user' | 'system_user';
  expiresAt: string | null;
  lastRefreshedAt: string | null;
  /** Green: it works. Red: it cannot be used (or soon cannot), with the reason in words. */
  health: { ok: true; note: string | null } | { ok: false; reason: string };
  /** Disconnected: the credentials are gone; only reconnecting helps. */
  disconnected: boolean;
}

/** An active ad account a pending Facebook login reaches, offered for the choice. */
export interface HomeOfferedAccount {
  adAccountId: string;
  /** Untrusted: comes from Meta. */
  name: string;
  currency: string;
}

/** What a viewer who may connect Meta sees: the buttons, and the account choice after a login. */
export interface HomeConnectView {
  /** The Facebook Login dialog URL (state bound to this viewer); null without META_APP_ID / SECRET. */
  dialogUrl: string | null;
  /** The viewer's Facebook login waits for an ad-account choice. */
  picker: {
    accounts: HomeOfferedAccount[];
    /** Where the agent reports: preselected in the channel picker. */
    channelId: string | null;
    /** Preselected: sandbox, or the environment the workspace's account had (a reconnect). */
    environment: Environment;
    tokenExpiresAt: string | null;
  } | null;
  /** A problem to show above the choice (the login could not list accounts…). */
  problem: string | null;
}

export interface HomeView {
  viewer: { userId: string; isOperator: boolean; isApprover: boolean };
  /** Null: no agent is connected yet; the Home tab explains how to connect one. */
  agent: HomeAgentView | null;
  /** The workspace's Meta connections (disconnected ones too, until reconnected). */
  connections?: HomeConnectionView[];
  /** Present only for a viewer who may connect Meta here (policy: mayConnectHere). */
  connect?: HomeConnectView | null;
  /** What the viewer's last button press could not do, in words. */
  notice?: string | null;
}
