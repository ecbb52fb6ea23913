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

/** One entity with its links, so walking the tree follows pointers instead of re-hashing ids. */
interface Node {
  entity: EntityMeta;
  parent: Node | undefined;
  /** NO_CHILDREN (shared, never mutated) until a first child arrives. */
  children: EntityMeta[];
  /** -1 not yet known, 0 no, 1 yes. */
  delivering: number;
}

const NO_CHILDREN: EntityMeta[] = [];

export function indexEntities(entities: readonly EntityMeta[]): EntityIndex {
  const nodes = new Map<string, Node>();
  for (const e of entities)
    nodes.set(e.id, { entity: e, parent: undefined, children: NO_CHILDREN, delivering: -1 });
  if (nodes.size < entities.length) {
    // Ids are unique in a real snapshot. Should one repeat, the non-ACTIVE copy wins (the cautious
    // reading), which also keeps the result independent of input order.
    for (const e of entities) {
      const node = nodes.get(e.id)!;
      if (node.entity.status === 'ACTIVE' && e.status !== 'ACTIVE') node.entity = e;
    }
  }

  // One pass links each entity to its parent. Children are in id order, so every walk of the tree is
  // the same whatever the order of the input (sorted only when they are not already: Meta lists in order).
  for (const node of nodes.values()) {
    const e = node.entity;
    if (e.level === 'campaign') continue;
    const parent =
      (e.level === 'ad' && e.adsetId !== null ? nodes.get(e.adsetId) : undefined) ?? nodes.get(e.campaignId);
    if (!parent) continue;
    node.parent = parent;
    if (parent.children === NO_CHILDREN) parent.children = [e];
    else parent.children.push(e);
  }
  const byId = (a: EntityMeta, b: EntityMeta) => compareIds(a.id, b.id);
  for (const node of nodes.values()) {
    const list = node.children;
    for (let i = 1; i < list.length; i++) {
      if (byId(list[i - 1]!, list[i]!) > 0) {
        list.sort(byId);
        break;
      }
    }
  }

  // By id, so a caller holding a duplicate copy of an entity gets the answer for the indexed one.
  const nodeOf = (e: EntityMeta): Node | undefined => nodes.get(e.id);

  const parentOf = (e: EntityMeta): EntityMeta | undefined => nodeOf(e)?.parent?.entity;

  const ancestorsOf = (e: EntityMeta): EntityMeta[] => {
    const out: EntityMeta[] = [];
    for (let p = nodeOf(e)?.parent; p; p = p.parent) out.push(p.entity);
    return out;
  };

  const descendantsOf = (e: EntityMeta): EntityMeta[] => {
    const out: EntityMeta[] = [];
    const walk = (id: string) => {
      for (const child of nodes.get(id)?.children ?? NO_CHILDREN) {
        out.push(child);
        walk(child.id);
      }
    };
    walk(e.id);
    return out;
  };

  const deliveringNode = (node: Node): boolean => {
    if (node.delivering >= 0) return node.delivering === 1;
    const e = node.entity;
    let result = e.status === 'ACTIVE' && !NOT_DELIVERING_EFFECTIVE.has(e.effectiveStatus);
    if (result && e.level !== 'campaign') {
      // A parent we cannot see cannot be vouched for: no action on an orphan.
      const expectedParentLevel = e.level === 'ad' ? 'adset' : 'campaign';
      result =
        node.parent !== undefined &&
        node.parent.entity.level === expectedParentLevel &&
        deliveringNode(node.parent);
    }
    node.delivering = result ? 1 : 0;
    return result;
  };

  const isDelivering = (e: EntityMeta): boolean => {
    const node = nodeOf(e);
    return node !== undefined && deliveringNode(node);
  };

  const campaignOf = (e: EntityMeta): EntityMeta | undefined =>
    e.level === 'campaign' ? e : nodes.get(e.campaignId)?.entity;

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
    get: (id) => nodes.get(id)?.entity,
    all: () => [...nodes.values()].map((n) => n.entity),
    childrenOf: (id) => nodes.get(id)?.children ?? NO_CHILDREN,
    parentOf,
    ancestorsOf,
    descendantsOf,
    isDelivering,
    budgetHolderOf,
    isBudgetUnit,
  };
}
