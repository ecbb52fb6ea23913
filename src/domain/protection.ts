import type { EntityIndex } from './hierarchy.js';
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
  return {
    isEmpty,
    blockerFor(entity, entities) {
      if (isEmpty) return null;
      if (isProtected(entity)) return entity;
      for (const ancestor of entities.ancestorsOf(entity)) if (isProtected(ancestor)) return ancestor;
      for (const descendant of entities.descendantsOf(entity)) if (isProtected(descendant)) return descendant;
      return null;
    },
  };
}
