import { compareIds, type EntityIndex } from './hierarchy.js';
import type { EntityMeta } from './snapshot.js';

/**
 * Protected entities are never touched, directly or through their family: protecting a campaign covers
 * its ad sets and ads (writing to a child changes what the protected campaign delivers), and an action
 * on a parent is refused when a protected child sits below it (pausing or re-budgeting the parent would
 * change the child's delivery just the same).
 */
export interface Protection {
  isEmpty: boolean;
  /** The protected entity that blocks touching `entity`, or null. */
  blockerFor(entity: EntityMeta, entities: EntityIndex): EntityMeta | null;
}

/** "*brand*" → /^.*brand.*$/i. Everything but `*` is literal, so no pattern can be invalid or slow. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

export function buildProtection(ids: readonly string[], namePatterns: readonly string[]): Protection {
  const idSet = new Set(ids);
  const patterns = namePatterns.map(globToRegExp);
  const isProtected = (e: EntityMeta) => idSet.has(e.id) || patterns.some((p) => p.test(e.name));
  const isEmpty = idSet.size === 0 && patterns.length === 0;
  // Per entity index: which protected entity blocks each family member. Built once per index (one pass
  // over the tree), so checking thousands of planned actions costs a lookup each, not a subtree walk.
  const blockers = new WeakMap<EntityIndex, Map<string, EntityMeta>>();
  const blockersFor = (entities: EntityIndex): Map<string, EntityMeta> => {
    let map = blockers.get(entities);
    if (map) return map;
    map = new Map();
    const protectedOnes = [...entities.all()].filter(isProtected).sort((a, b) => compareIds(a.id, b.id));
    // An entity that is itself protected reports itself; otherwise the lowest-id protected relative
    // (sorted, so the report does not depend on input order).
    for (const p of protectedOnes) map.set(p.id, p);
    for (const p of protectedOnes) {
      for (const e of [...entities.ancestorsOf(p), ...entities.descendantsOf(p)])
        if (!map.has(e.id)) map.set(e.id, p);
    }
    blockers.set(entities, map);
    return map;
  };
  return {
    isEmpty,
    blockerFor(entity, entities) {
      if (isEmpty) return null;
      return blockersFor(entities).get(entity.id) ?? null;
    },
  };
}
