import { z } from 'zod';
import { disconnect, listConnections } from '../../ops/connections.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { summaryOf } from '../registry.js';

export const connectionsCommand = defineCommand({
  name: 'connections',
  noAdAccount: true,
  summary: summaryOf('connections'),
  usage: 'metabuyer connections [--json]',
  flags: {},
  parse(values) {
    return validateFlags(z.object({}), values, this.usage);
  },
  run: async (env) => listConnections(await env.context()),
  text(r) {
    if (r.connections.length === 0)
      return 'No Meta connection yet: Connect with Facebook in Slack, or `metabuyer connect --access-token … --ad-account …`.';
    return r.connections
      .map((c) =>
        [
          `${c.adAccountId} (${c.environment}) · ${c.status} · ${c.method === 'oauth' ? 'Connect with Facebook' : 'pasted token'}, ${c.tokenType} token`,
          `  connected ${c.connectedAt} · ${c.expiresAt ? `expires ${c.expiresAt}` : 'never expires'} · last renewed ${c.lastRefreshedAt ?? 'never'}`,
          `  scopes: ${c.scopes.join(', ') || 'none'}`,
          ...(c.detail && c.status !== 'active' ? [`  ${c.detail}`] : []),
        ].join('\n'),
      )
      .join('\n');
  },
  json: (r) => ({
    connections: r.connections.map((c) => ({
      id: c.id,
      ad_account_id: c.adAccountId,
      environment: c.environment,
      method: c.method,
      token_type: c.tokenType,
      scopes: c.scopes,
      connected_at: c.connectedAt,
      expires_at: c.expiresAt,
      last_refreshed_at: c.lastRefreshedAt,
      status: c.status,
    })),
  }),
});

const REVOKE_NOTE =
  'Meta has no remote revoke for long-lived tokens: the token itself stays valid at Meta until it expires. To cut it off now, remove the app in Facebook Settings → Business Integrations.';

export const disconnectCommand = defineCommand({
  name: 'disconnect',
  summary: summaryOf('disconnect'),
  usage: 'metabuyer disconnect --ad-account ID [--json]',
  flags: {},
  parse(values) {
    return validateFlags(
      z.object({ 'ad-account': z.string().regex(/^(act_)?\d{1,20}$/, 'must be digits or act_<digits>') }),
      values,
      this.usage,
    );
  },
  run: async (env, input) =>
    disconnect(await env.context(), { adAccount: input['ad-account'], actor: env.actor }),
  text(r) {
    return [
      `Disconnected ${r.adAccountId}: its stored token is erased${r.haltedAgents.length ? ' and its agent is halted' : ''}.`,
      REVOKE_NOTE,
    ].join('\n');
  },
  json: (r) => ({
    ad_account_id: r.adAccountId,
    connection_id: r.connectionId,
    method: r.method,
    disconnected_at: r.disconnectedAt,
    halted_agents: r.haltedAgents,
    remote_revoke: r.remoteRevoke,
    token_expires_at: r.tokenExpiresAt,
    note: REVOKE_NOTE,
  }),
});
