import type { EntityMeta } from './snapshot.js';

/**
 * The account tree (campaign → ad set → ad) over a flat entity list, with the two questions every rule
 * and guardrail asks of it: is this object delivering, and where does its budget live.
 */
export interface EntityIndex {
  byId: ReadonlyMap<string, EntityMeta>;
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

export function indexEntities(entities: readonly EntityMeta[]): EntityIndex {
  const byId = new Map<string, EntityMeta>();
  for (const e of entities) {
    // Duplicate ids should not happen; if they do, keep the smallest-by-content deterministic choice
    // (the first in id/level order is ambiguous), so prefer the non-ACTIVE copy: the cautious one.
    const existing = byId.get(e.id);
    if (!existing || (existing.status === 'ACTIVE' && e.status !== 'ACTIVE')) byId.set(e.id, e);
  }

  const parentIdOf = (e: EntityMeta): string | null => {
    if (e.level === 'ad') return e.adsetId && byId.has(e.adsetId) ? e.adsetId : e.campaignId;
    if (e.level === 'adset') return e.campaignId;
    return null;
  };

  const children = new Map<string, EntityMeta[]>();
  for (const e of byId.values()) {
    const parentId = parentIdOf(e);
    if (parentId === null) continue;
    let list = children.get(parentId);
    if (!list) {
      list = [];
      children.set(parentId, list);
    }
    list.push(e);
  }
  for (const list of children.values()) list.sort((a, b) => compareIds(a.id, b.id));

  const parentOf = (e: EntityMeta): EntityMeta | undefined => {
    const parentId = parentIdOf(e);
    return parentId === null ? undefined : byId.get(parentId);
  };

  const ancestorsOf = (e: EntityMeta): EntityMeta[] => {
    const out: EntityMeta[] = [];
    for (let p = parentOf(e); p; p = parentOf(p)) out.push(p);
    return out;
  };

  const descendantsOf = (e: EntityMeta): EntityMeta[] => {
    const out: EntityMeta[] = [];
    const walk = (id: string) => {
      for (const child of children.get(id) ?? []) {
        out.push(child);
        walk(child.id);
      }
    };
    walk(e.id);
    return out;
  };

  const delivering = new Map<string, boolean>();
  const isDelivering = (e: EntityMeta): boolean => {
    const known = delivering.get(e.id);
    if (known !== undefined) return known;
    let result = e.status === 'ACTIVE' && !NOT_DELIVERING_EFFECTIVE.has(e.effectiveStatus);
    if (result && e.level !== 'campaign') {
      // A parent we cannot see cannot be vouched for: no action on an orphan.
      const parent = parentOf(e);
      const expectedParentLevel = e.level === 'ad' ? 'adset' : 'campaign';
      result = parent !== undefined && parent.level === expectedParentLevel && isDelivering(parent);
    }
    delivering.set(e.id, result);
    return result;
  };

  const campaignOf = (e: EntityMeta): EntityMeta | undefined =>
    e.level === 'campaign' ? e : byId.get(e.campaignId);

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
    byId,
    childrenOf: (id) => children.get(id) ?? [],
    parentOf,
    ancestorsOf,
    descendantsOf,
    isDelivering,
    budgetHolderOf,
    isBudgetUnit,
  };
}
