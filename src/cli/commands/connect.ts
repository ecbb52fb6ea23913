import { z } from 'zod';
import { snakeKeys } from '../../domain/contract.js';
import { connect } from '../../ops/connect.js';
import { validateFlags } from '../args.js';
import { defineCommand } from '../command.js';
import { shown } from '../format.js';
import { summaryOf } from '../registry.js';

const digits = (what: string) => z.string().regex(/^\d{1,20}$/, `must be a numeric ${what} id`);

export const connectCommand = defineCommand({
  name: 'connect',
  summary: summaryOf('connect'),
  usage:
    'metabuyer connect --access-token T --ad-account ID [--env sandbox|live] [--business-id ID] [--page-id ID] [--instagram-actor-id ID] [--app-id ID] [--token-mode user|system_user] [--json]',
  flags: {
    'ad-account': {
      type: 'string',
      placeholder: 'ID',
      description: 'required: the ad account the token is for (act_… or digits)',
    },
    'access-token': {
      type: 'string',
      placeholder: 'T',
      description: 'Meta access token (a System User token is best)',
    },
    env: {
      type: 'string',
      placeholder: 'sandbox|live',
      description: 'the word operators must type to confirm writes (default sandbox)',
    },
    'business-id': { type: 'string', placeholder: 'ID', description: 'Business Manager id' },
    'page-id': { type: 'string', placeholder: 'ID', description: 'Facebook Page for sandbox creatives' },
    'instagram-actor-id': { type: 'string', placeholder: 'ID', description: 'Instagram account id' },
    'app-id': { type: 'string', placeholder: 'ID', description: 'Meta app id' },
    'token-mode': {
      type: 'string',
      placeholder: 'user|system_user',
      description: 'default: what Meta reports',
    },
  },
  parse(values) {
    return validateFlags(
      z.object({
        'access-token': z.string().min(1, 'must not be empty'),
        'ad-account': z.string().regex(/^(act_)?\d{1,20}$/, 'must be digits or act_<digits>'),
        env: z.enum(['sandbox', 'live'], { message: 'must be sandbox or live' }).default('sandbox'),
        'business-id': digits('business').optional(),
        'page-id': digits('Page').optional(),
        'instagram-actor-id': digits('Instagram actor').optional(),
        'app-id': digits('app').optional(),
        'token-mode': z.enum(['user', 'system_user'], { message: 'must be user or system_user' }).optional(),
      }),
      values,
      this.usage,
    );
  },
  run: async (env, f) =>
    connect(await env.context(), {
      accessToken: f['access-token'],
      adAccount: f['ad-account'],
      environment: f.env,
      actor: env.actor,
      ...(f['business-id'] ? { businessId: f['business-id'] } : {}),
      ...(f['page-id'] ? { pageId: f['page-id'] } : {}),
      ...(f['instagram-actor-id'] ? { instagramActorId: f['instagram-actor-id'] } : {}),
      ...(f['app-id'] ? { appId: f['app-id'] } : {}),
      ...(f['token-mode'] ? { tokenMode: f['token-mode'] } : {}),
    }),
  text(r) {
    const lines = [
      `Connected ${shown(r.accountName)} (${r.adAccountId}, ${r.currency}, ${r.timezone}) in ${r.environment} mode.`,
      `Token: ${r.tokenMode}, ${r.tokenExpiresAt ? `expires ${r.tokenExpiresAt}` : 'never expires'}; stored encrypted.`,
    ];
    if (r.missingRequired.length > 0)
      lines.push(`Missing permissions: ${r.missingRequired.join(', ')} (execution will fail until granted).`);
    if (r.missingRecommended.length > 0)
      lines.push(`Optional permissions not granted: ${r.missingRecommended.join(', ')}.`);
    if (r.agentCreated) lines.push('Next: `metabuyer setup --target-cpa … --target-roas … --apply`.');
    return lines.join('\n');
  },
  json: (r) => snakeKeys(r),
});
