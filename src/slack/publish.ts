import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../app/context.js';
import { agentById } from '../db/repos/agents.js';
import { connectionById } from '../db/repos/connections.js';
import { activePlan, planById } from '../db/repos/plans.js';
import { latestRun, runById } from '../db/repos/runs.js';
import { latestReportOf, recordSlackMessage } from '../db/repos/slack-messages.js';
import { newId } from '../lib/ids.js';
import { renderApprovalQueue } from './blocks/approval-queue.js';
import { guardMessage } from './blocks/limits.js';
import { renderReport } from './blocks/report.js';
import { queueViewOf } from './views/queue-view.js';
import { reportViewOf } from './views/report-view.js';

/**
 * Posts a run's report in the agent's channel, starting the run's thread (long reports continue inside
 * it), and records the message so replies and the approval queue find it.
 */
export async function publishReport(
  ctx: AppContext,
  client: WebClient,
  agentId: string,
  runId?: string,
): Promise<string | null> {
  const { db } = await ctx.database();
  const agent = await agentById(db, agentId);
  const run = runId ? await runById(db, runId) : await latestRun(db, agentId, 'succeeded');
  if (!agent?.slackChannelId || !run || run.status !== 'succeeded') return null;
  const connection = await connectionById(db, agent.connectionId);
  if (!connection) return null;
  const plan = await activePlan(db, agent.id);
  const view = await reportViewOf(db, {
    run,
    agent,
    connection,
    planId: plan && plan.runId === run.id ? plan.id : null,
    now: ctx.clock.now(),
  });
  const [first, ...rest] = renderReport(view).map((m) => guardMessage(m).message);
  if (!first) return null;
  const posted = await client.chat.postMessage({
    channel: agent.slackChannelId,
    text: first.text,
    blocks: first.blocks as never,
  });
  const ts = posted.ts!;
  await recordSlackMessage(db, {
    id: newId('msg', ctx.clock.now().getTime()),
    agentId: agent.id,
    kind: 'report',
    channelId: agent.slackChannelId,
    messageTs: ts,
    threadTs: ts,
    runId: run.id,
    planId: null,
    postedAt: ctx.clock.now(),
  });
  for (const m of rest)
    await client.chat.postMessage({
      channel: agent.slackChannelId,
      thread_ts: ts,
      text: m.text,
      blocks: m.blocks as never,
    });
  return ts;
}

/** Posts a plan's approval queue as a reply in its run's report thread (or the channel), recorded by plan. */
export async function publishQueue(ctx: AppContext, client: WebClient, planId: string): Promise<void> {
  const { db } = await ctx.database();
  const plan = await planById(db, planId);
  const agent = plan ? await agentById(db, plan.agentId) : undefined;
  if (!plan || !agent?.slackChannelId) return;
  const connection = await connectionById(db, agent.connectionId);
  const view = await queueViewOf(db, {
    plan,
    agent,
    environment: connection?.environment ?? 'sandbox',
    now: ctx.clock.now(),
  });
  if (view.actions.length === 0) return;
  const report = await latestReportOf(db, agent.id);
  const threadTs = report?.runId === plan.runId ? report.threadTs : undefined;
  for (const page of renderApprovalQueue(view).map((m) => guardMessage(m).message)) {
    const posted = await client.chat.postMessage({
      channel: agent.slackChannelId,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: page.text,
      blocks: page.blocks as never,
    });
    await recordSlackMessage(db, {
      id: newId('msg', ctx.clock.now().getTime()),
      agentId: agent.id,
      kind: 'queue',
      channelId: agent.slackChannelId,
      messageTs: posted.ts!,
      threadTs: threadTs ?? posted.ts!,
      runId: plan.runId,
      planId: plan.id,
      postedAt: ctx.clock.now(),
    });
  }
}
