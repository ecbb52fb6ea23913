import { compareIds } from './hierarchy.js';
import { LEVEL_ORDER, type Recommendation, RULE_ORDER, SEVERITY_ORDER } from './recommendation.js';

/**
 * The one order recommendations (and so plan actions) are shown in: severity, then rule, then level
 * (broadest first), then entity id. (rule, entity) is unique, so the order is total and never depends
 * on the order of the input.
 */
export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    RULE_ORDER[a.rule] - RULE_ORDER[b.rule] ||
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    compareIds(a.entityId, b.entityId)
  );
}
