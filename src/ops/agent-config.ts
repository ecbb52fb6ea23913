import { z } from 'zod';
import type { AgentRow } from '../db/repos/agents.js';
import { SLACK_USER_ID } from '../domain/actor.js';
import { type AgentConfig, agentConfigSchema } from '../domain/agent-config.js';
import { AppError } from '../lib/errors.js';

/**
 * The engine's AgentConfig plus who may approve. The agent row's columns are the single source of truth
 * for the operational switches the scheduler queries (execution enabled, interval, report channel);
 * they are overlaid here so every reader sees one consistent config.
 */
export const storedAgentConfigSchema = agentConfigSchema.extend({
  /** Slack user ids who may APPROVE and CLEAR; empty: the operators approve (src/domain/policy.ts). */
  approvers: z.array(z.string().regex(SLACK_USER_ID)).max(100).default([]),
  /** Slack user ids who may change setup, connect, confirm writes and resume; the first is who set it up. */
  operators: z.array(z.string().regex(SLACK_USER_ID)).max(100).default([]),
});
export type StoredAgentConfig = AgentConfig & { approvers: string[]; operators: string[] };

export function agentConfigOf(agent: AgentRow): StoredAgentConfig {
  const parsed = storedAgentConfigSchema.safeParse(agent.config ?? {});
  if (!parsed.success) {
    throw new AppError({
      code: 'agent_config_invalid',
      verdict: 'invalid',
      message: `The stored configuration of ${agent.adAccountId} is invalid (${parsed.error.issues[0]?.message}). Run \`metabuyer setup --apply\` to fix it.`,
    });
  }
  return {
    ...parsed.data,
    executionEnabled: agent.executionEnabled,
    intervalSeconds: agent.intervalSeconds,
    slackTarget: agent.slackChannelId ? `channel:${agent.slackChannelId}` : null,
  };
}

/** What is stored in the JSON column: everything but the switches that live in columns. */
export function configForStorage(config: StoredAgentConfig): Record<string, unknown> {
  const { executionEnabled: _e, intervalSeconds: _i, slackTarget: _s, ...rest } = config;
  return rest;
}
