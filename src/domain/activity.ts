/**
 * Who changed what in an ad account, from Meta's activity log. Pure: the entries come in already
 * validated (src/meta/activities.ts) and every function here is a plain function of its arguments.
 *
 * Actors: `us` (a write through our own Meta app), `other_app` (another app's write through the API),
 * `person` (someone in Ads Manager: a user and no app) and `meta` (Meta's own automatic adjustments: no
 * user, or an event Meta alone makes, such as a learning-stage exit or a campaign ending).
 *
 * Categories are Meta's `category` enum (adaccountactivities_category_enum_param). The log is read
 * unfiltered (Meta's `category` takes one value, so six filtered reads would cost six calls where one
 * does) and only the categories that matter are kept: status, budget, bid and targeting changes, and
 * changes to campaigns and ad sets.
 */

export type ActorKind = 'us' | 'other_app' | 'person' | 'meta';

export type ActivityCategory =
  | 'ACCOUNT'
  | 'AD'
  | 'AD_KEYWORDS'
  | 'AD_SET'
  | 'AUDIENCE'
  | 'BID'
  | 'BUDGET'
  | 'CAMPAIGN'
  | 'DATE'
  | 'STATUS'
  | 'TARGETING';

export const MATTERING_CATEGORIES: readonly ActivityCategory[] = [
  'STATUS',
  'BUDGET',
  'BID',
  'TARGETING',
  'AD_SET',
  'CAMPAIGN',
];

export interface Activity {
  /** Our identity of the event (Meta's entries have no id): stable across re-reads. */
  eventKey: string;
  eventType: string;
  /** ISO 8601 UTC. */
  eventTime: string;
  actorId: string | null;
  actorName: string | null;
  applicationId: string | null;
  applicationName: string | null;
  objectId: string | null;
  objectName: string | null;
  /** Meta's legacy names: CAMPAIGN_GROUP (campaign), CAMPAIGN (ad set), ADGROUP (ad), or others. */
  objectType: string | null;
  /** The raw JSON string Meta sends, or null. */
  extraData: string | null;
  translatedEventType: string | null;
}

/** Events only Meta makes, whoever the log names. */
const META_ONLY_EVENTS = new Set([
  'campaign_ended',
  'first_delivery_event',
  'di_ad_set_learning_stage_exit',
  'update_ad_set_learning_stage_status',
  'lifetime_budget_spent',
  'ad_review_approved',
  'ad_review_declined',
  'account_spending_limit_reached',
  'campaign_spending_limit_reached',
  'billing_event',
  'ad_account_billing_charge',
]);

/** Names Meta's own actor goes by in the log. */
const META_NAMES = new Set(['meta', 'facebook', 'meta platforms']);

export function actorKindOf(a: Activity, ourAppId: string | null | undefined): ActorKind {
  if (META_ONLY_EVENTS.has(a.eventType)) return 'meta';
  if (a.applicationId) return ourAppId && a.applicationId === ourAppId ? 'us' : 'other_app';
  const noUser = !a.actorId || a.actorId === '0';
  if (noUser || META_NAMES.has((a.actorName ?? '').trim().toLowerCase())) return 'meta';
  return 'person';
}

/** The level an entry is about, in our words; null for account-wide or other objects. */
export function levelOfObjectType(t: string | null): 'campaign' | 'adset' | 'ad' | null {
  switch ((t ?? '').toUpperCase()) {
    case 'CAMPAIGN_GROUP':
      return 'campaign';
    case 'CAMPAIGN':
      return 'adset';
    case 'ADGROUP':
      return 'ad';
    default:
      return null;
  }
}

/** Meta's categories of an entry: its level's (CAMPAIGN, AD_SET, AD, ACCOUNT) and its kind's. */
export function categoriesOf(a: Pick<Activity, 'eventType' | 'objectType'>): ActivityCategory[] {
  const t = a.eventType;
  const out: ActivityCategory[] = [];
  const level = levelOfObjectType(a.objectType);
  if (level === 'campaign' || t.includes('campaign_group') || t.startsWith('update_campaign_'))
    out.push('CAMPAIGN');
  if (level === 'adset' || t.includes('ad_set')) out.push('AD_SET');
  if (level === 'ad' || /^(create_ad|update_ad_(?!set))/.test(t)) out.push('AD');
  if (t.startsWith('ad_account') || t.includes('funding') || t.includes('billing')) out.push('ACCOUNT');
  if (t.includes('run_status') || t === 'campaign_ended' || t === 'update_adgroup_stop_delivery')
    out.push('STATUS');
  if (/budget|spend_cap|min_spend|spending_limit/.test(t)) out.push('BUDGET');
  if (/bid/.test(t)) out.push('BID');
  if (/target/.test(t)) out.push('TARGETING');
  if (/duration|schedul/.test(t)) out.push('DATE');
  if (/audience/.test(t)) out.push('AUDIENCE');
  if (/keyword/.test(t)) out.push('AD_KEYWORDS');
  return [...new Set(out)];
}

export function matters(a: Pick<Activity, 'eventType' | 'objectType'>): boolean {
  return categoriesOf(a).some((c) => MATTERING_CATEGORIES.includes(c));
}

export type ChangeField = 'status' | 'daily_budget' | 'bid' | 'targeting' | 'name' | 'created' | 'other';

export interface ParsedChange {
  field: ChangeField;
  /** Minor units for budgets, Meta's words for statuses; null when the log does not say. */
  from: string | number | null;
  to: string | number | null;
}

function fieldOf(eventType: string): ChangeField {
  if (eventType.includes('run_status')) return 'status';
  if (/budget/.test(eventType)) return 'daily_budget';
  if (/bid/.test(eventType)) return 'bid';
  if (/target/.test(eventType)) return 'targeting';
  if (/_name$/.test(eventType)) return 'name';
  if (eventType.startsWith('create_')) return 'created';
  return 'other';
}

/** `extra_data`'s values may be plain, or nested one level ({"old_value": {"old_value": 5, …}}). */
function extraValue(v: unknown, key: string): string | number | null {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of [key, 'value', 'amount']) {
      const inner = o[k];
      if (typeof inner === 'string' || typeof inner === 'number') return inner;
    }
  }
  return null;
}

/** What changed, as far as the entry tells (Meta does not document extra_data; unknown shapes give nulls). */
export function parseChange(a: Pick<Activity, 'eventType' | 'extraData'>): ParsedChange {
  const field = fieldOf(a.eventType);
  let data: unknown;
  try {
    data = a.extraData ? JSON.parse(a.extraData) : null;
  } catch {
    data = null;
  }
  const o = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  let from = extraValue(o.old_value, 'old_value');
  let to = extraValue(o.new_value, 'new_value');
  if (field === 'daily_budget') {
    const num = (x: string | number | null) =>
      x === null || x === '' || !Number.isFinite(Number(x)) ? null : Number(x);
    from = num(from);
    to = num(to);
  }
  return { field, from, to };
}

const KIND_WORD: Record<ActorKind, string> = {
  us: 'MetaBuyer',
  other_app: 'app',
  person: 'person',
  meta: 'Meta, automatic',
};

const LEVEL_WORD = { campaign: 'campaign', adset: 'ad set', ad: 'ad' } as const;

/** "Jane Buyer (person)", "Revealbot (app)", "Meta (automatic)". */
export function actorLabel(a: Activity, kind: ActorKind): string {
  if (kind === 'meta') return 'Meta (automatic)';
  if (kind === 'other_app')
    return `${a.applicationName ?? `app ${a.applicationId}`}${a.actorName ? ` via ${a.actorName}` : ''} (app)`;
  return `${a.actorName ?? a.actorId ?? 'someone'} (${KIND_WORD[kind]})`;
}

/**
 * One sentence an operator reads: 'Budget of ad set "Broad" raised $150.00 → $300.00 by Jane (person)'.
 * `money` formats minor units in the account currency (passed in: formatting is the caller's).
 */
export function describeActivity(a: Activity, kind: ActorKind, money: (minor: number) => string): string {
  const level = levelOfObjectType(a.objectType);
  const what = `${level ? LEVEL_WORD[level] : (a.objectType ?? 'object').toLowerCase()} "${a.objectName ?? a.objectId ?? '?'}"`;
  const c = parseChange(a);
  const by = `by ${actorLabel(a, kind)}`;
  switch (c.field) {
    case 'daily_budget': {
      if (typeof c.from === 'number' && typeof c.to === 'number') {
        const verb = c.to > c.from ? 'raised' : c.to < c.from ? 'lowered' : 'set';
        return `Budget of ${what} ${verb} ${money(c.from)} → ${money(c.to)} ${by}`;
      }
      return `Budget of ${what} changed ${by}`;
    }
    case 'status':
      return c.from !== null && c.to !== null
        ? `Status of ${what} ${c.from} → ${c.to} ${by}`
        : `Status of ${what} changed ${by}`;
    case 'bid':
      return `Bidding of ${what} changed ${by}`;
    case 'targeting':
      return `Targeting of ${what} changed ${by}`;
    case 'name':
      return `${what[0]!.toUpperCase()}${what.slice(1)} renamed ${by}`;
    case 'created':
      return `${what[0]!.toUpperCase()}${what.slice(1)} created ${by}`;
    default:
      return `${a.translatedEventType ?? a.eventType.replace(/_/g, ' ')} on ${what} ${by}`;
  }
}

export interface ClassifiedChange {
  activity: Activity;
  kind: ActorKind;
  /** "Jane Buyer (person)". */
  actor: string;
  sentence: string;
}

export interface ChangeGroups {
  byPeople: ClassifiedChange[];
  byOtherApps: ClassifiedChange[];
  byMeta: ClassifiedChange[];
  /** Our own writes, counted and never shown as outside changes. */
  ours: ClassifiedChange[];
}

function byTime(a: ClassifiedChange, b: ClassifiedChange): number {
  return (
    a.activity.eventTime.localeCompare(b.activity.eventTime) ||
    a.activity.eventKey.localeCompare(b.activity.eventKey)
  );
}

export function classify(
  a: Activity,
  ourAppId: string | null | undefined,
  money: (minor: number) => string,
): ClassifiedChange {
  return classifyAs(a, actorKindOf(a, ourAppId), money);
}

/** With the actor already known (stored with the entry). */
export function classifyAs(a: Activity, kind: ActorKind, money: (minor: number) => string): ClassifiedChange {
  return { activity: a, kind, actor: actorLabel(a, kind), sentence: describeActivity(a, kind, money) };
}

/** The entries that matter, by who made them, each group oldest first. */
export function groupChanges(
  activities: readonly Activity[],
  ourAppId: string | null | undefined,
  money: (minor: number) => string,
): ChangeGroups {
  const out: ChangeGroups = { byPeople: [], byOtherApps: [], byMeta: [], ours: [] };
  for (const a of activities) {
    if (!matters(a)) continue;
    const c = classify(a, ourAppId, money);
    const group =
      c.kind === 'person'
        ? out.byPeople
        : c.kind === 'other_app'
          ? out.byOtherApps
          : c.kind === 'meta'
            ? out.byMeta
            : out.ours;
    group.push(c);
  }
  for (const g of Object.values(out)) g.sort(byTime);
  return out;
}

/**
 * Changes made by anyone but us to one of `objectIds` strictly after `after` (ISO), oldest first — what
 * the approval queue flags and what a stale refusal names.
 */
export function outsideChangesAfter(
  activities: readonly Activity[],
  objectIds: ReadonlySet<string>,
  after: string,
  ourAppId: string | null | undefined,
  money: (minor: number) => string,
): ClassifiedChange[] {
  const afterMs = Date.parse(after);
  return activities
    .filter(
      (a) =>
        a.objectId !== null &&
        objectIds.has(a.objectId) &&
        Date.parse(a.eventTime) > afterMs &&
        matters(a) &&
        actorKindOf(a, ourAppId) !== 'us',
    )
    .map((a) => classify(a, ourAppId, money))
    .sort(byTime);
}

/** Rules whose finding is a sharp move in the figures, worth explaining by what changed first. */
export const ANOMALY_RULES: ReadonlySet<string> = new Set([
  'spend_spike',
  'high_cpa',
  'low_roas',
  'zero_conversions',
]);

const MOVE_WORDS: Record<string, string> = {
  spend_spike: 'the spike',
  high_cpa: 'the high-CPA window',
  low_roas: 'the low-ROAS window',
  zero_conversions: 'the window without purchases',
};

export interface AnomalyInput {
  recommendationId: string;
  rule: string;
  /** The entity and its ancestors (campaign of an ad set…), whose changes could explain the move. */
  objectIds: readonly string[];
  entityName: string;
  /** When the move began (ISO): the first day of the finding's window. */
  startedAt: string;
  /** How far back a change may explain it (ISO). */
  lookbackFrom: string;
}

export interface AnomalyCard {
  recommendationId: string;
  rule: string;
  entityName: string;
  change: ClassifiedChange;
  /** Whole hours from the change to the start of the move (negative: it came after the move began). */
  hoursBefore: number;
  sentence: string;
}

function hoursText(h: number): string {
  if (h >= 48) return `${Math.round(h / 24)} days before`;
  if (h >= 1) return `${h} h before`;
  if (h >= 0) return 'just before';
  return `${-h} h into`;
}

/**
 * For each sharp move, the first outside change (of the classified `changes`) to the entity or the
 * objects above it, from the lookback on: "Budget of ad set X raised $50.00 → $120.00 by
 * Jane (person) 3 h before the spike".
 */
export function anomalyCards(
  inputs: readonly AnomalyInput[],
  changes: readonly ClassifiedChange[],
  until: string,
): AnomalyCard[] {
  const cards: AnomalyCard[] = [];
  const untilMs = Date.parse(until);
  for (const input of inputs) {
    if (!ANOMALY_RULES.has(input.rule)) continue;
    const ids = new Set(input.objectIds);
    const fromMs = Date.parse(input.lookbackFrom);
    const candidates = changes
      .filter((c) => {
        const a = c.activity;
        const t = Date.parse(a.eventTime);
        return (
          a.objectId !== null &&
          ids.has(a.objectId) &&
          t >= fromMs &&
          t <= untilMs &&
          matters(a) &&
          c.kind !== 'us'
        );
      })
      .sort(byTime);
    const first = candidates[0];
    if (!first) continue;
    const hoursBefore = Math.floor(
      (Date.parse(input.startedAt) - Date.parse(first.activity.eventTime)) / 3_600_000,
    );
    const move = MOVE_WORDS[input.rule] ?? `the ${input.rule.replace(/_/g, ' ')}`;
    cards.push({
      recommendationId: input.recommendationId,
      rule: input.rule,
      entityName: input.entityName,
      change: first,
      hoursBefore,
      sentence: `${first.sentence} ${hoursText(hoursBefore)} ${move}`,
    });
  }
  return cards;
}

/** The UTC instant (ISO) of a local date's midnight in a time zone (an unknown zone is read as UTC). */
export function localMidnight(date: string, timeZone: string): string {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let offset = 0;
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(guess);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
    const asUtc = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    offset = asUtc - guess;
  } catch {
    offset = 0;
  }
  return new Date(guess - offset).toISOString();
}
