import type { AppContext } from '../app/context.js';
import type { Actor } from '../domain/actor.js';
import type { AgentSelector } from './agent-scope.js';
import { type StatusResult, statusAt } from './status-facts.js';
import { snapshotStatusFacts } from './status-snapshot.js';

export type { StatusFacts, StatusResult } from './status-facts.js';

/**
 * One agent's status. From the CLI on an embedded database, a fresh read model of the home (written by
 * the last process that had the database open; see status-snapshot.ts) answers without starting
 * Postgres, or even loading the database code; whenever it cannot prove itself current, or the call is
 * anything but the plain case, the database answers (status-db.ts).
 */
export async function status(
  ctx: AppContext,
  input: AgentSelector & { actor: Actor },
): Promise<StatusResult> {
  if (input.actor.source === 'cli' && !input.slack) {
    const home = ctx.snapshotHome();
    const facts = home ? snapshotStatusFacts(home, input.adAccount) : undefined;
    if (facts) return statusAt(facts, ctx.clock.now());
  }
  const { statusFromDatabase } = await import('./status-db.js');
  return statusFromDatabase(ctx, input);
}
