import type { AppContext } from '../app/context.js';
import { newestLog } from '../db/repos/action-log.js';
import { resolveAgent } from './agent-scope.js';

export interface ActionLogEntry {
  id: string;
  at: string;
  kind: 'execute' | 'rollback';
  event: string;
  key: string | null;
  type: string;
  level: string;
  entityId: string;
  entityName: string | null;
  from: string | number;
  to: string | number;
  observed: string | number | null;
  approvedBy: string[];
  confirmedBy: string | null;
  environment: string;
  reason: string | null;
  rollbackOf: string | null;
}

export interface ActionLogResult {
  adAccountId: string;
  currency: string;
  entries: ActionLogEntry[];
}

/** The newest entries of the append-only log: who approved, who confirmed, before → after, outcome. */
export async function actionLog(
  ctx: AppContext,
  input: { adAccount?: string; limit: number },
): Promise<ActionLogResult> {
  const { db, agent } = await resolveAgent(ctx, input.adAccount);
  const rows = await newestLog(db, agent.id, input.limit);
  return {
    adAccountId: agent.adAccountId,
    currency: agent.currency,
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      kind: r.kind,
      event: r.event,
      key: r.actionKey,
      type: r.type,
      level: r.level,
      entityId: r.entityId,
      entityName: r.entityName,
      from: r.fromValue,
      to: r.toValue,
      observed: r.observedValue ?? null,
      approvedBy: r.approvedBy,
      confirmedBy: r.confirmedBy,
      environment: r.environment,
      reason: r.reason,
      rollbackOf: r.rollbackOf,
    })),
  };
}
