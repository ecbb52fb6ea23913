import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';

/** A reply in a Slack thread, as sync-approvals needs it. */
export interface ThreadReply {
  ts: string;
  user: string;
  text: string;
}

/** Reads thread replies. The Slack app supplies the real one; tests pass a fake. */
export interface SlackThreadReader {
  /** Replies after `oldestTs` (exclusive), oldest first, excluding the parent message and bots. */
  replies(channel: string, threadTs: string, oldestTs: string | undefined): Promise<ThreadReply[]>;
}

const repliesPage = z.object({
  ok: z.literal(true),
  messages: z.array(
    z
      .object({
        ts: z.string(),
        user: z.string().optional(),
        bot_id: z.string().optional(),
        text: z.string().default(''),
      })
      .loose(),
  ),
  response_metadata: z.object({ next_cursor: z.string().optional() }).loose().optional(),
  has_more: z.boolean().optional(),
});

/** conversations.replies through Slack's Web API client, at SLACK_API_URL. */
export class WebApiThreadReader implements SlackThreadReader {
  /** Slack's client, loaded on the first read: building a context does not import it. */
  private client: Promise<WebClient> | undefined;

  constructor(private readonly opts: { botToken: string; apiUrl: string }) {}

  private webClient(): Promise<WebClient> {
    this.client ??= import('@slack/web-api').then(
      ({ WebClient }) =>
        new WebClient(this.opts.botToken, { slackApiUrl: this.opts.apiUrl, retryConfig: { retries: 2 } }),
    );
    return this.client;
  }

  async replies(channel: string, threadTs: string, oldestTs: string | undefined): Promise<ThreadReply[]> {
    const out: ThreadReply[] = [];
    let cursor: string | undefined;
    const client = await this.webClient();
    do {
      let raw: unknown;
      try {
        raw = await client.conversations.replies({
          channel,
          ts: threadTs,
          limit: 200,
          ...(oldestTs ? { oldest: oldestTs } : {}),
          ...(cursor ? { cursor } : {}),
        });
      } catch (e) {
        const code = (e as { data?: { error?: string } }).data?.error ?? 'request_failed';
        throw new AppError({
          code: `slack_${code}`,
          verdict:
            code === 'invalid_auth' || code === 'token_revoked'
              ? 'reauthenticate'
              : code === 'missing_scope'
                ? 'permission'
                : 'retry',
          message: `Slack refused to read the approval thread (${code}).`,
        });
      }
      const page = repliesPage.safeParse(raw);
      if (!page.success) {
        throw new AppError({
          code: 'slack_bad_response',
          verdict: 'retry',
          message: 'Slack answered conversations.replies with an unexpected shape.',
        });
      }
      for (const m of page.data.messages) {
        if (m.ts === threadTs || m.bot_id || !m.user) continue;
        if (oldestTs && Number(m.ts) <= Number(oldestTs)) continue;
        out.push({ ts: m.ts, user: m.user, text: m.text });
      }
      cursor = page.data.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return out.sort((a, b) => Number(a.ts) - Number(b.ts));
  }
}
