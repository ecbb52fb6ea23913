import { z } from 'zod';
import { readHomeSnapshot } from '../db/home-snapshot.js';
import { normalizeAdAccountId } from '../domain/ad-account.js';
import type { AgentConfig } from '../domain/agent-config.js';
import type { StatusFacts } from './status-facts.js';

/**
 * The status read model of an embedded home (computed by status-db.ts) (see db/home-snapshot.ts for when it may be trusted): the
 * status facts of every agent, in the order the database lists them, written by whoever closes the
 * database. `metabuyer status` answers from it without starting Postgres, and only in the plain case:
 * an agent named by --ad-account or the only one, with a live connection. Anything else (no agent,
 * several and none named, a removed connection, an unreadable config) is left to the database, which
 * says what is wrong exactly as it always has.
 */
export const STATUS_SNAPSHOT_FORMAT = 2;

const factsSchema = z.object({
  adAccountId: z.string(),
  accountName: z.string().nullable(),
  currency: z.string(),
  timezoneName: z.string().nullable(),
  targetCpaMinor: z.number().nullable(),
  targetRoas: z.number().nullable(),
  enabled: z.boolean(),
  executionEnabled: z.boolean(),
  intervalSeconds: z.number(),
  halted: z.boolean(),
  haltedReason: z.string().nullable(),
  haltedBy: z.string().nullable(),
  environment: z.enum(['sandbox', 'live']),
  slackTarget: z.string().nullable(),
  lastRun: z
    .object({ id: z.string(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable() })
    .nullable(),
  nextRunAt: z.string().nullable(),
  schedule: z.enum(['scheduled', 'not_scheduled', 'halted', 'disabled']),
  token: z.object({ mode: z.string(), expiresAt: z.string().nullable() }),
  plan: z
    .object({
      id: z.string(),
      expiresAt: z.string(),
      counts: z.record(z.string(), z.number()),
      outsideChanges: z.array(
        z.object({
          key: z.string(),
          entityId: z.string(),
          at: z.string(),
          by: z.string(),
          kind: z.string(),
          sentence: z.string(),
        }),
      ),
    })
    .nullable(),
  minPrecisionPct: z.record(z.string(), z.number()),
  minPrecisionCases: z.number(),
  // The agent's config as the database parsed it (agentConfigOf) when the snapshot was written.
  shadowInputs: z.object({
    config: z.custom<AgentConfig>((v) => typeof v === 'object' && v !== null && 'shadow' in v),
    measured: z.record(
      z.string(),
      z.object({
        verdicts: z.number(),
        confirmed: z.number(),
        precision: z.number().nullable(),
        low: z.number(),
        high: z.number(),
        measuredAt: z.string().optional(),
        targets: z.object({ cpa: z.number().nullable(), roas: z.number().nullable() }).optional(),
      }),
    ),
  }),
  killSwitch: z.object({
    enabled: z.boolean(),
    paceMultiple: z.number(),
    maxWriteFailures: z.number(),
    windowMinutes: z.number(),
  }),
  lastEvent: z
    .object({
      at: z.string(),
      kind: z.enum(['trip', 'halt', 'resume']),
      tripKind: z.string().nullable(),
      reason: z.string(),
      actor: z.string(),
    })
    .nullable(),
}) satisfies z.ZodType<StatusFacts>;

const snapshotSchema = z.object({
  format: z.literal(STATUS_SNAPSHOT_FORMAT),
  /** Every agent, in allAgents order; facts null when the database must answer for it. */
  agents: z.array(z.object({ adAccountId: z.string(), facts: factsSchema.nullable() })),
});
export type StatusSnapshot = z.infer<typeof snapshotSchema>;

/**
 * The facts `status` would read from the database for this selection, from a fresh snapshot; undefined
 * when there is none or it does not cover the case plainly.
 */
export function snapshotStatusFacts(home: string, adAccount: string | undefined): StatusFacts | undefined {
  const parsed = snapshotSchema.safeParse(readHomeSnapshot(home));
  if (!parsed.success) return undefined;
  const { agents } = parsed.data;
  let entry: StatusSnapshot['agents'][number] | undefined;
  if (adAccount === undefined) {
    entry = agents.length === 1 ? agents[0] : undefined;
  } else {
    let id: string;
    try {
      id = normalizeAdAccountId(adAccount);
    } catch {
      return undefined;
    }
    entry = agents.find((a) => a.adAccountId === id);
  }
  return entry?.facts ?? undefined;
}
