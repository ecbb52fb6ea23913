import { esc, mention, section } from './kit.js';
import { clip, type SlackMessage } from './limits.js';
import type { Environment } from './types.js';

/**
 * The first message in an agent's channel after it is connected from App Home: who connected which
 * account, in which environment, and the agent's status as `/metabuyer status` prints it.
 */
export function renderFirstStatus(input: {
  by: string;
  accountName: string;
  adAccountId: string;
  environment: Environment;
  currency: string;
  statusText: string;
}): SlackMessage {
  const name = clip(input.accountName, 200);
  const env =
    input.environment === 'live'
      ? '*live*: confirmed actions change real campaigns'
      : '*sandbox*: confirmed actions go to a test account';
  const code = esc(clip(input.statusText, 2800)).replace(/```/g, "'''");
  return {
    text: `MetaBuyer connected ${name} (${input.adAccountId}, ${input.environment}). Reports and approvals will be posted here.`,
    blocks: [
      section(
        `:white_check_mark: ${mention(input.by)} connected *${esc(name)}* (\`${esc(input.adAccountId)}\`, ${esc(input.currency)}), ${env}. Reports and approval queues will be posted in this channel.`,
      ),
      section(`\`\`\`${code}\`\`\``),
    ],
  };
}
