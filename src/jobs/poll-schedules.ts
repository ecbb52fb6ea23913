import type { Queue } from 'bullmq';
import type { Database } from '../db/client.js';
import { type AgentRow, agentById, allAgents, updateAgent } from '../db/repos/agents.js';
import { pollsWhileHalted } from '../domain/kill-switch.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { pollAgentJob } from './definitions.js';
import { defaultJobOptions } from './queues.js';
import type { PollScheduleState, ScheduleSync } from './schedule-port.js';

const SCHEDULER_PREFIX = 'poll-';

/** One scheduler per agent, named after it, so an upsert can never create a second one. */
export function pollSchedulerId(agentId: string): string {
  return `${SCHEDULER_PREFIX}${agentId}`;
}

function skipReason(agent: AgentRow | undefined): PollScheduleState['reason'] | undefined {
  if (!agent) return 'not_found';
  if (!agent.enabled) return 'disabled';
  if (!pollsWhileHalted(agent)) return 'halted';
  return undefined;
}

/**
 * Poll schedules as BullMQ job schedulers on the `poll` queue, with Postgres as the source of truth:
 * every sync derives the schedule from the agent row, so a lost Redis (flushed, replaced) is rebuilt
 * exactly by `syncAll()`. The first slot after a (re)build is the agent's last run plus its interval
 * (or now, when overdue or never run), so a rebuild does not poll every agent at once.
 */
export class BullPollSchedules implements ScheduleSync {
  constructor(
    private readonly deps: {
      queue: Queue;
      database: () => Promise<Database>;
      clock: Clock;
      logger: Logger;
      /** Called with the queue when closing; the owner decides whether it closes it. */
      onClose?: () => Promise<void>;
    },
  ) {}

  async sync(agentId: string): Promise<PollScheduleState> {
    const { db } = await this.deps.database();
    return this.apply(await agentById(db, agentId), agentId);
  }

  async syncAll(): Promise<{ scheduled: number; removed: number }> {
    const { db } = await this.deps.database();
    const agents = await allAgents(db);
    const keep = new Set<string>();
    let removed = 0;
    for (const agent of agents) {
      const state = await this.apply(agent, agent.id);
      if (state.scheduled) keep.add(pollSchedulerId(agent.id));
    }
    // Schedulers whose agent is gone (or never existed here): nothing in Postgres would ever remove them.
    for (const s of await this.deps.queue.getJobSchedulers(0, -1, true)) {
      if (s.key.startsWith(SCHEDULER_PREFIX) && !keep.has(s.key)) {
        if (await this.deps.queue.removeJobScheduler(s.key)) removed++;
      }
    }
    this.deps.logger.info('poll schedules rebuilt from the database', {
      scheduled: keep.size,
      removed_orphans: removed,
    });
    return { scheduled: keep.size, removed };
  }

  private async apply(agent: AgentRow | undefined, agentId: string): Promise<PollScheduleState> {
    const { queue, clock, logger } = this.deps;
    const id = pollSchedulerId(agentId);
    const reason = skipReason(agent);
    if (!agent || reason) {
      const removed = await queue.removeJobScheduler(id);
      if (agent && agent.nextRunAt !== null) {
        const { db } = await this.deps.database();
        await updateAgent(db, agent.id, { nextRunAt: null }, clock.now());
      }
      if (removed) logger.info('poll schedule removed', { agent_id: agentId, reason });
      return { agentId, scheduled: false, nextRunAt: null, ...(reason ? { reason } : {}) };
    }
    const every = agent.intervalSeconds * 1000;
    const startDate = agent.lastRunAt ? agent.lastRunAt.getTime() + every : undefined;
    const { jobId: _jobId, ...template } = defaultJobOptions('poll');
    await queue.upsertJobScheduler(
      id,
      { every, ...(startDate !== undefined ? { startDate } : {}) },
      { name: pollAgentJob.name, data: { v: pollAgentJob.version, agentId: agent.id }, opts: template },
    );
    const scheduler = await queue.getJobScheduler(id);
    const next = scheduler?.next !== undefined ? new Date(Number(scheduler.next)) : null;
    if (next && agent.nextRunAt?.getTime() !== next.getTime()) {
      const { db } = await this.deps.database();
      await updateAgent(db, agent.id, { nextRunAt: next }, clock.now());
    }
    logger.debug('poll schedule upserted', {
      agent_id: agentId,
      every_s: agent.intervalSeconds,
      next_run_at: next?.toISOString(),
    });
    return { agentId, scheduled: true, nextRunAt: next };
  }

  async close(): Promise<void> {
    await this.deps.onClose?.();
  }
}
