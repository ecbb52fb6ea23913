import type { Job } from 'bullmq';
import type { AppContext } from '../../app/context.js';
import { agentById } from '../../db/repos/agents.js';
import { type Actor, workerActor } from '../../domain/actor.js';
import { pollsWhileHalted } from '../../domain/kill-switch.js';
import { toAppError } from '../../lib/errors.js';
import { planActions } from '../../ops/plan-actions.js';
import { runNow } from '../../ops/run-now.js';
import type { WorkerMetrics } from '../../worker/metrics.js';
import { jobIdOf, type PayloadOf, pollAgentJob, postReportJob } from '../definitions.js';
import type { JobHandler } from '../host.js';
import type { JobQueues } from '../queues.js';
import type { ScheduleSync } from '../schedule-port.js';

/** Who the worker is in plans and logs (`worker:poll`): it may run and plan, never decide or confirm. */
export const WORKER_ACTOR: Actor = workerActor('poll');

/**
 * The slot a poll stands for: the time its scheduler made it due (job ids `repeat:<scheduler>:<ms>`),
 * or the slot a manual enqueue named; else when it was added.
 */
export function pollSlotOf(
  job: Pick<Job, 'id' | 'timestamp'>,
  payload: PayloadOf<typeof pollAgentJob>,
): number {
  if (payload.slotMs !== undefined) return payload.slotMs;
  const m = /:(\d{10,})$/.exec(job.id ?? '');
  return m ? Number(m[1]) : job.timestamp;
}

/**
 * Enqueues a poll for one slot. The job id is the agent and the slot, so the same tick enqueued twice
 * (two producers, a retried request) is one job and one poll.
 */
export function enqueuePoll(queues: JobQueues, agentId: string, slotMs: number) {
  return queues.enqueue(pollAgentJob, { v: 1, agentId, slotMs }, { jobId: jobIdOf('poll', agentId, slotMs) });
}

export interface PollDeps {
  ctx: AppContext;
  schedules: ScheduleSync;
  metrics?: WorkerMetrics;
  actor?: Actor;
}

/**
 * One scheduled poll: run-now and plan-actions for the agent (the same ops an operator types), then the
 * report hand-off to the slack queue, by ids. A halted or disabled agent is skipped with its reason and
 * its schedule removed. A plan that cannot be built does not undo the run: the report goes out without
 * an approval queue and the reason is logged.
 */
export function pollHandler(deps: PollDeps): JobHandler<typeof pollAgentJob> {
  const { ctx, metrics } = deps;
  const actor = deps.actor ?? WORKER_ACTOR;
  return async (payload, run) => {
    const { db } = await ctx.database();
    const agent = await agentById(db, payload.agentId);
    const slot = pollSlotOf(run.job, payload);
    const log = run.logger.child({ slot: new Date(slot).toISOString() });
    const skip = async (reason: 'halted' | 'disabled' | 'not_found') => {
      metrics?.polls.inc({ outcome: `skipped_${reason}` });
      log.info('poll skipped', {
        reason,
        ...(agent?.halted ? { halted_reason: agent.haltedReason, halted_by: agent.haltedBy } : {}),
      });
      // The schedule should not exist; make sure it does not fire again.
      await deps.schedules.sync(payload.agentId);
      return { skipped: reason };
    };
    if (!agent) return skip('not_found');
    if (!agent.enabled) return skip('disabled');
    // A kill-switch halt keeps the agent watching (src/domain/kill-switch.ts); any other halt stops it.
    if (!pollsWhileHalted(agent)) return skip('halted');

    let result: Awaited<ReturnType<typeof runNow>>;
    try {
      result = await runNow(ctx, { adAccount: agent.adAccountId, trigger: 'schedule', actor });
    } catch (e) {
      metrics?.polls.inc({ outcome: 'failed' });
      throw e;
    }
    for (const r of result.recommendations)
      metrics?.recommendations.inc({ rule: r.rule, severity: r.severity });

    let planId: string | null = null;
    try {
      planId = (await planActions(ctx, { adAccount: agent.adAccountId, actor })).planId;
    } catch (e) {
      const err = toAppError(e);
      log.warn('plan not built; the report goes out without an approval queue', {
        run_id: result.runId,
        code: err.code,
        error: err.message,
      });
    }
    await run.queues.enqueue(
      postReportJob,
      { v: 1, agentId: agent.id, runId: result.runId, planId },
      { jobId: jobIdOf('report', result.runId) },
    );
    // run-now wrote next_run_at as start + interval; the scheduler's own next slot is the truth.
    await deps.schedules.sync(agent.id);
    metrics?.polls.inc({ outcome: 'succeeded' });
    log.info('poll done', {
      run_id: result.runId,
      plan_id: planId,
      recommendations: result.recommendations.length,
      graph_calls: result.graphCalls,
    });
    return { runId: result.runId, planId, recommendations: result.recommendations.length };
  };
}
