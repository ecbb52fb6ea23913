import { agentById } from '../db/repos/agents.js';
import { connectionById } from '../db/repos/connections.js';
import { planById } from '../db/repos/plans.js';
import { runById } from '../db/repos/runs.js';
import { renderApprovalQueue } from './blocks/approval-queue.js';
import { guardMessage } from './blocks/limits.js';
import { renderReport } from './blocks/report.js';
import { plainTextRenderer } from './report-text.js';
import type { RenderedMessage, RenderSource, ReportRenderer, ReportView } from './report-view.js';
import { queueViewOf } from './views/queue-view.js';
import { reportViewOf } from './views/report-view.js';

/**
 * The scheduled poll's report and approval queue in Block Kit, the same messages `/metabuyer run-now`
 * and `plan-actions` post (the first page of each: the report's summary of what did not fit, the queue's
 * first ten actions). Falls back to plain text when the rows it needs are gone.
 */
export const blockKitRenderer: ReportRenderer = {
  async report(view: ReportView, source: RenderSource): Promise<RenderedMessage> {
    const { db, ids, now } = source;
    const [agent, run] = await Promise.all([agentById(db, ids.agentId), runById(db, ids.runId)]);
    const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
    if (!agent || !run || !connection) return plainTextRenderer.report(view, source);
    const rich = await reportViewOf(db, { run, agent, connection, planId: ids.planId, now });
    const first = renderReport(rich).map((m) => guardMessage(m).message)[0];
    return first ? { text: first.text, blocks: first.blocks } : plainTextRenderer.report(view, source);
  },
  async queue(view: ReportView, source: RenderSource): Promise<RenderedMessage | undefined> {
    const { db, ids, now } = source;
    const plan = ids.planId ? await planById(db, ids.planId) : undefined;
    const agent = await agentById(db, ids.agentId);
    const connection = agent ? await connectionById(db, agent.connectionId) : undefined;
    if (!plan || !agent || !connection) return plainTextRenderer.queue(view, source);
    const rich = await queueViewOf(db, { plan, agent, environment: connection.environment, now });
    if (rich.actions.length === 0) return undefined;
    const first = renderApprovalQueue(rich).map((m) => guardMessage(m).message)[0];
    return first ? { text: first.text, blocks: first.blocks } : undefined;
  },
};
