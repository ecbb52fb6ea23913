import {
  type ActionSpec,
  type Evidence,
  type Recommendation,
  type RuleId,
  recommendationId,
  type Severity,
} from '../recommendation.js';
import type { EntityMeta } from '../snapshot.js';

export function recommendationFor(
  rule: RuleId,
  severity: Severity,
  entity: EntityMeta,
  action: ActionSpec | null,
  evidence: Evidence,
): Recommendation {
  return {
    id: recommendationId(rule, entity.id),
    rule,
    severity,
    level: entity.level,
    entityId: entity.id,
    entityName: entity.name,
    action,
    evidence,
  };
}
