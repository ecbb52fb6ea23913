import type { AppContext } from '../app/context.js';
import { AppError, toAppError } from '../lib/errors.js';
import type { MetaClient } from '../meta/client.js';
import { MetaApiError } from '../meta/errors.js';
import { parseMinorUnits } from '../meta/money.js';
import type { WriteResult } from '../meta/writes.js';
import { refuseIfHalted, resolveAgent } from './agent-scope.js';
import { withMeta } from './credentials.js';
import { metaFailureText, SANDBOX_LINK } from './verify-use-cases.js';

export type SeedObject = 'campaign' | 'adset' | 'creative' | 'ad';

export interface SeedSandboxResult {
  adAccountId: string;
  pageId: string | null;
  /** Ids of what exists now because of this run; null for what was not created (or may have been). */
  created: Record<SeedObject, string | null>;
  /** The names given, so an operator can find the objects in Ads Manager. */
  names: Record<SeedObject, string>;
  skipped: Array<{ object: SeedObject; reason: string }>;
  /**
   * Why seeding stopped early: Meta refused a create (`failed`), or a create's outcome could not be seen
   * (`unknown`: it may exist; it was not sent again, so it cannot exist twice).
   */
  problem: { object: SeedObject; outcome: 'failed' | 'unknown'; code: string; message: string } | null;
}

export const SEED_LABEL: Record<SeedObject, string> = {
  campaign: 'campaign',
  adset: 'ad set',
  creative: 'creative',
  ad: 'ad',
};
/** Creation order, which is also the order reports list them in. */
export const SEED_OBJECTS: readonly SeedObject[] = ['campaign', 'adset', 'creative', 'ad'];

/**
 * Creates a recognisable, PAUSED test hierarchy in a sandbox ad account — campaign, ad set, and (with a
 * Page) a link creative and an ad — so that status and budget writes can be exercised there. Refuses,
 * creating nothing, on a live connection or a halted agent. With a Page, the creative is first validated
 * (validate_only) so that a Page Meta refuses stops the run before anything exists. Each create is sent
 * once: a create whose outcome is unknown is reported as unknown and never resent, and nothing after it
 * is attempted.
 */
export async function seedSandbox(
  ctx: AppContext,
  input: { adAccount?: string; pageId?: string },
): Promise<SeedSandboxResult> {
  const { agent, connection } = await resolveAgent(ctx, input.adAccount);
  const account = agent.adAccountId;
  if (connection.environment !== 'sandbox') {
    throw new AppError({
      code: 'not_sandbox',
      verdict: 'invalid',
      message: `Refused: ${account} is connected in ${connection.environment} mode, and seed-sandbox only creates test objects in a sandbox ad account. Nothing was created. Connect a sandbox ad account with \`metabuyer connect … --env sandbox\`.`,
      details: { environment: connection.environment },
    });
  }
  refuseIfHalted(agent, 'seeding the sandbox; nothing was created');

  const pageId = input.pageId ?? connection.pageId ?? null;
  const stamp = `${ctx.clock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const names: Record<SeedObject, string> = {
    campaign: `[MetaBuyer sandbox] Campaign ${stamp}`,
    adset: `[MetaBuyer sandbox] Ad set ${stamp}`,
    creative: `[MetaBuyer sandbox] Creative ${stamp}`,
    ad: `[MetaBuyer sandbox] Ad ${stamp}`,
  };
  const created: Record<SeedObject, string | null> = {
    campaign: null,
    adset: null,
    creative: null,
    ad: null,
  };
  const skipped: SeedSandboxResult['skipped'] = [];
  let problem: SeedSandboxResult['problem'] = null;

  await withMeta(ctx, connection, async (client) => {
    const facts = await client.getAdAccount(account);
    if (pageId !== null) await preflightCreative(ctx, client, account, pageId, names.creative);
    // Creates go out exactly once: the client never re-sends a write after a temporary Meta error (a
    // create can apply and still get that answer), and here such an answer is an unknown outcome.
    const steps: Array<[SeedObject, () => Promise<WriteResult<{ id: string }>>]> = [
      [
        'campaign',
        () =>
          client.createCampaign(account, {
            name: names.campaign,
            objective: 'OUTCOME_TRAFFIC',
            specialAdCategories: ['NONE'],
          }),
      ],
      [
        'adset',
        () =>
          client.createAdSet(account, {
            name: names.adset,
            campaignId: created.campaign!,
            // The smallest budget Meta allows: the ad set is PAUSED and a sandbox never delivers anyway.
            dailyBudget: minimumDailyBudget(facts.min_daily_budget),
          }),
      ],
    ];
    if (pageId !== null) {
      steps.push(
        [
          'creative',
          () =>
            client.createAdCreative(account, {
              name: names.creative,
              pageId,
              link: SANDBOX_LINK,
              message: 'MetaBuyer sandbox test creative; never delivered.',
            }),
        ],
        [
          'ad',
          () =>
            client.createAd(account, {
              name: names.ad,
              adsetId: created.adset!,
              creativeId: created.creative!,
            }),
        ],
      );
    } else {
      const reason =
        'no Facebook Page: a creative must post as a Page. Pass --page-id, or connect with --page-id.';
      skipped.push(
        { object: 'creative', reason },
        { object: 'ad', reason: 'no creative to show (no Page).' },
      );
    }

    for (const [object, create] of steps) {
      if (problem) {
        skipped.push({
          object,
          reason: `not attempted: the ${SEED_LABEL[problem.object]} ${problem.outcome === 'unknown' ? 'may not exist' : 'was refused'}.`,
        });
        continue;
      }
      try {
        const r = await create();
        if (r.outcome === 'applied') {
          created[object] = r.data.id;
          ctx.logger.info('sandbox object created', { adAccountId: account, object, id: r.data.id });
        } else if (r.outcome === 'unknown') {
          problem = {
            object,
            outcome: 'unknown',
            code: r.error.code,
            message: ctx.redactor.string(
              `Meta may or may not have created the ${SEED_LABEL[object]} "${names[object]}" (${r.reason.replace(/_/g, ' ')}). MetaBuyer did not send it again, so it cannot exist twice: look for it in Ads Manager before seeding again.`,
            ),
          };
          ctx.logger.warn('sandbox create outcome unknown', {
            adAccountId: account,
            object,
            reason: r.reason,
          });
        }
      } catch (e) {
        problem =
          e instanceof MetaApiError && e.verdict === 'retry'
            ? {
                object,
                outcome: 'unknown',
                code: 'meta_write_outcome_unknown',
                message: `Meta answered the ${SEED_LABEL[object]} "${names[object]}" with a temporary error, so it may or may not have been created. MetaBuyer did not send it again, so it cannot exist twice: look for it in Ads Manager before seeding again. ${metaFailureText(ctx, e)}`,
              }
            : {
                object,
                outcome: 'failed',
                code: toAppError(e).code,
                message: `Meta refused to create the ${SEED_LABEL[object]}. ${metaFailureText(ctx, e)}`,
              };
      }
    }
  });

  return { adAccountId: account, pageId, created, names, skipped, problem };
}

/** Meta's min_daily_budget for the account (minor units); 100 minor units when Meta does not say. */
function minimumDailyBudget(min: string | number | undefined): number {
  const n = min === undefined || min === '' ? 0 : parseMinorUnits(min);
  return n > 0 ? n : 100;
}

/**
 * A validate_only run of the creative before anything is created, so that a Page Meta will not let us
 * post as (or an app in development mode) stops the seeding with nothing half-made.
 */
async function preflightCreative(
  ctx: AppContext,
  client: MetaClient,
  account: string,
  pageId: string,
  name: string,
): Promise<void> {
  try {
    await client.request({
      method: 'POST',
      path: `${account}/adcreatives`,
      params: {
        name,
        object_story_spec: { page_id: pageId, link_data: { link: SANDBOX_LINK, message: name } },
        execution_options: ['validate_only'],
      },
      kind: 'read',
      accountId: account,
    });
  } catch (e) {
    const err = toAppError(e);
    throw new AppError({
      code: err.code,
      verdict: err.verdict,
      message: `Refused: Meta would not accept a creative for Page ${pageId}, so nothing was created. ${metaFailureText(ctx, e)}`,
      details: { ...err.details, page_id: pageId },
      cause: e,
    });
  }
}
