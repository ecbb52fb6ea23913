import type { EntityMeta, Level } from './snapshot.js';

/**
 * What a follow-up measures for one write, and against whom. A budget change (or a resume) is measured
 * on the entity itself; a pause on its parent (the ad set of an ad, the campaign of an ad set) and on the
 * account, since a paused entity has no spend after. Ads have no daily rows in a snapshot, so a write on
 * an ad that is not a pause is measured on its ad set too.
 *
 * Peers are the same-level entities of the account that none of our writes touched in the period: an
 * entity is touched when it shares a campaign with one we wrote (a campaign budget moves its ad sets, a
 * paused ad set changes its campaign's figures and shifts delivery to its siblings).
 */
export interface OutcomeSubject {
  role: 'entity' | 'parent' | 'account';
  id: string;
  level: Level | 'account';
  name: string;
  /** Peer entity ids, same level, untouched; empty for the account. */
  peers: string[];
}

export interface WriteRef {
  type: 'set_status' | 'update_daily_budget';
  level: Level;
  entityId: string;
  entityName: string | null;
  to: string | number;
}

function parentOf(e: EntityMeta): { id: string; level: Level } | null {
  if (e.level === 'ad') return e.adsetId ? { id: e.adsetId, level: 'adset' } : null;
  if (e.level === 'adset') return { id: e.campaignId, level: 'campaign' };
  return null;
}

/**
 * Every id a touched id may have moved: the touched ids, and everything in their campaigns (the
 * campaign, its ad sets and ads: a budget or a pause shifts delivery between siblings).
 */
export function touchedClosure(entities: readonly EntityMeta[], touched: Iterable<string>): Set<string> {
  const set = new Set(touched);
  const campaigns = new Set(entities.filter((e) => set.has(e.id)).map((e) => e.campaignId));
  const out = new Set(set);
  for (const e of entities) if (campaigns.has(e.campaignId)) out.add(e.id);
  return out;
}

export function outcomeSubjects(
  write: WriteRef,
  account: { id: string; name: string },
  entities: readonly EntityMeta[],
  touched: Iterable<string>,
): OutcomeSubject[] {
  const byId = new Map(entities.map((e) => [e.id, e]));
  const closure = touchedClosure(entities, [...touched, write.entityId]);
  const peersAt = (level: Level, self: string) =>
    entities
      .filter((e) => e.level === level && e.id !== self && !closure.has(e.id))
      .map((e) => e.id)
      .sort();
  const accountSubject: OutcomeSubject = {
    role: 'account',
    id: account.id,
    level: 'account',
    name: account.name,
    peers: [],
  };
  const self = byId.get(write.entityId);
  const isPause = write.type === 'set_status' && write.to === 'PAUSED';
  if (!isPause && write.level !== 'ad') {
    return [
      {
        role: 'entity',
        id: write.entityId,
        level: write.level,
        name: self?.name ?? write.entityName ?? write.entityId,
        peers: peersAt(write.level, write.entityId),
      },
    ];
  }
  const parent = self ? parentOf(self) : null;
  if (!parent) return [accountSubject];
  const p = byId.get(parent.id);
  return [
    {
      role: 'parent',
      id: parent.id,
      level: parent.level,
      name: p?.name ?? parent.id,
      peers: peersAt(parent.level, parent.id),
    },
    accountSubject,
  ];
}
