import type { EntityMeta } from './snapshot.js';

/**
 * The account tree (campaign → ad set → ad) over a flat entity list, with the two questions every rule
 * and guardrail asks of it: is this object delivering, and where does its budget live.
 */
export interface EntityIndex {
  get(id: string): EntityMeta | undefined;
  /** Every entity, in no particular order (callers that emit results sort them). */
  all(): Iterable<EntityMeta>;
  /** Direct children, sorted by id. */
  childrenOf(id: string): readonly EntityMeta[];
  /** The ad set of an ad (or its campaign if the ad set is unknown), the campaign of an ad set. */
  parentOf(entity: EntityMeta): EntityMeta | undefined;
  /** Parent first, then grandparent. */
  ancestorsOf(entity: EntityMeta): EntityMeta[];
  /** Every entity below, depth first. */
  descendantsOf(entity: EntityMeta): EntityMeta[];
  isDelivering(entity: EntityMeta): boolean;
  /** The entity whose daily budget pays for this one's delivery, or null when none holds a daily budget. */
  budgetHolderOf(entity: EntityMeta): EntityMeta | null;
  /**
   * Where budget rules are evaluated: a campaign with a campaign budget (CBO), or an ad set of a
   * campaign without one. Exactly one budget unit covers each ad.
   */
  isBudgetUnit(entity: EntityMeta): boolean;
}

/**
 * Effective statuses that mean "not spending now". WITH_ISSUES, IN_PROCESS, PENDING_REVIEW and
 * PREAPPROVED are left as delivering: the object is live or about to be, and an action on it is real.
 */
const NOT_DELIVERING_EFFECTIVE = new Set([
  'PAUSED',
  'CAMPAIGN_PAUSED',
  'ADSET_PAUSED',
  'ARCHIVED',
  'DELETED',
  'DISAPPROVED',
  'PENDING_BILLING_INFO',
]);

export function compareIds(a: string, b: string): number {
  // Meta ids are digit strings of varying length: shorter first, then lexical, is numeric order
  // without parsing ids past 2^53.
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

const NO_CHILDREN: readonly EntityMeta[] = [];
const NONE = -1;

/**
 * Built as parallel arrays keyed by a dense slot number (id → slot in one Map), rather than one object
 * per entity: an account of 100 000 ads then costs one Map and a few typed arrays, not 100 000 objects
 * for the garbage collector to copy and promote.
 */
export function indexEntities(entities: readonly EntityMeta[]): EntityIndex {
  const slotOf = new Map<string, number>();
  let list: EntityMeta[] = [];
  for (const e of entities) {
    slotOf.set(e.id, list.length);
    list.push(e);
  }
  if (slotOf.size < list.length) list = withoutDuplicates(entities, slotOf);

  const n = list.length;
  // Parent slot of each entity, NONE for campaigns and orphans.
  const parent = new Int32Array(n).fill(NONE);
  // Children of each slot in id order (sorted only when they are not already: Meta lists in order), so
  // every walk of the tree is the same whatever the order of the input.
  const children: (EntityMeta[] | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = list[i]!;
    if (e.level === 'campaign') continue;
    const p =
      (e.level === 'ad' && e.adsetId !== null ? slotOf.get(e.adsetId) : undefined) ??
      slotOf.get(e.campaignId);
    if (p === undefined) continue;
    parent[i] = p;
    const siblings = children[p];
    if (siblings) siblings.push(e);
    else children[p] = [e];
  }
  const byId = (a: EntityMeta, b: EntityMeta) => compareIds(a.id, b.id);
  for (const kids of children) {
    if (!kids) continue;
    for (let i = 1; i < kids.length; i++) {
      if (byId(kids[i - 1]!, kids[i]!) > 0) {
        kids.sort(byId);
        break;
      }
    }
  }

  // -1 not yet known, 0 no, 1 yes.
  const delivering = new Int8Array(n).fill(-1);
  const deliveringAt = (i: number): boolean => {
    if (delivering[i] !== -1) return delivering[i] === 1;
    const e = list[i]!;
    let result = e.status === 'ACTIVE' && !NOT_DELIVERING_EFFECTIVE.has(e.effectiveStatus);
    if (result && e.level !== 'campaign') {
      // A parent we cannot see cannot be vouched for: no action on an orphan.
      const p = parent[i]!;
      const expectedParentLevel = e.level === 'ad' ? 'adset' : 'campaign';
      result = p !== NONE && list[p]!.level === expectedParentLevel && deliveringAt(p);
    }
    delivering[i] = result ? 1 : 0;
    return result;
  };

  // By id, so a caller holding a duplicate copy of an entity gets the answer for the indexed one.
  const slot = (e: EntityMeta): number => slotOf.get(e.id) ?? NONE;

  const parentOf = (e: EntityMeta): EntityMeta | undefined => {
    const i = slot(e);
    return i === NONE || parent[i] === NONE ? undefined : list[parent[i]!];
  };

  const ancestorsOf = (e: EntityMeta): EntityMeta[] => {
    const out: EntityMeta[] = [];
    const i = slot(e);
    for (let p = i === NONE ? NONE : parent[i]!; p !== NONE; p = parent[p]!) out.push(list[p]!);
    return out;
  };

  const childrenOf = (id: string): readonly EntityMeta[] => {
    const i = slotOf.get(id);
    return (i === undefined ? undefined : children[i]) ?? NO_CHILDREN;
  };

  const descendantsOf = (e: EntityMeta): EntityMeta[] => {
    const out: EntityMeta[] = [];
    const walk = (id: string) => {
      for (const child of childrenOf(id)) {
        out.push(child);
        walk(child.id);
      }
    };
    walk(e.id);
    return out;
  };

  const isDelivering = (e: EntityMeta): boolean => {
    const i = slot(e);
    return i !== NONE && deliveringAt(i);
  };

  const get = (id: string): EntityMeta | undefined => {
    const i = slotOf.get(id);
    return i === undefined ? undefined : list[i];
  };

  const campaignOf = (e: EntityMeta): EntityMeta | undefined =>
    e.level === 'campaign' ? e : get(e.campaignId);

  const budgetHolderOf = (e: EntityMeta): EntityMeta | null => {
    const campaign = campaignOf(e);
    if (campaign && campaign.dailyBudget !== null) return campaign;
    if (e.level === 'campaign') return null;
    const adset = e.level === 'adset' ? e : parentOf(e);
    return adset && adset.level === 'adset' && adset.dailyBudget !== null ? adset : null;
  };

  const isBudgetUnit = (e: EntityMeta): boolean => {
    if (e.level === 'campaign') return e.dailyBudget !== null;
    if (e.level === 'adset') return campaignOf(e)?.dailyBudget == null;
    return false;
  };

  return {
    get,
    all: () => list,
    childrenOf,
    parentOf,
    ancestorsOf,
    descendantsOf,
    isDelivering,
    budgetHolderOf,
    isBudgetUnit,
  };
}

/**
 * Ids are unique in a real snapshot. Should one repeat, one copy is kept per id — the non-ACTIVE one if
 * any (the cautious reading, and independent of input order) — and slots are renumbered.
 */
function withoutDuplicates(entities: readonly EntityMeta[], slotOf: Map<string, number>): EntityMeta[] {
  const chosen = new Map<string, EntityMeta>();
  for (const e of entities) {
    const kept = chosen.get(e.id);
    if (!kept || (kept.status === 'ACTIVE' && e.status !== 'ACTIVE')) chosen.set(e.id, e);
  }
  const list = [...chosen.values()];
  slotOf.clear();
  list.forEach((e, i) => {
    slotOf.set(e.id, i);
  });
  return list;
}
