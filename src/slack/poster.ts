import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

export interface SlackPost {
  channel: string;
  text: string;
  blocks?: unknown[];
  /** Posts as a reply in this thread. */
  threadTs?: string;
}

/** Posts messages as the bot. The worker's slack handler uses it; tests point it at a fake Web API. */
export interface SlackPoster {
  post(message: SlackPost): Promise<{ channel: string; ts: string }>;
  /** chat.update: replaces a message the bot posted (the approval queue, once its plan ran). */
  update?(message: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void>;
  /** chat.getPermalink: a link to a message (a closed queue points at the plan that replaced it). */
  permalink?(channel: string, ts: string): Promise<string>;
}

/** Slack answered 429: wait `retryAfterMs` before calling chat.postMessage again. */
export class SlackRateLimitedError extends AppError {
  constructor(retryAfterMs: number) {
    super({
      code: 'slack_rate_limited',
      verdict: 'back_off',
      message: `Slack asked us to wait ${Math.ceil(retryAfterMs / 1000)} s before posting again.`,
      retryAfterMs,
    });
    this.name = 'SlackRateLimitedError';
  }
}

const postAnswer = z.object({ ok: z.literal(true), channel: z.string(), ts: z.string() }).loose();
const permalinkAnswer = z.object({ ok: z.literal(true), permalink: z.url() }).loose();

/** Slack errors a retry cannot fix: the channel, the bot's membership or its token must change. */
const PERMANENT: Record<string, 'invalid' | 'permission' | 'reauthenticate'> = {
  channel_not_found: 'invalid',
  not_in_channel: 'permission',
  is_archived: 'invalid',
  msg_too_long: 'invalid',
  invalid_blocks: 'invalid',
  no_text: 'invalid',
  missing_scope: 'permission',
  restricted_action: 'permission',
  invalid_auth: 'reauthenticate',
  not_authed: 'reauthenticate',
  account_inactive: 'reauthenticate',
  token_revoked: 'reauthenticate',
  token_expired: 'reauthenticate',
};

function slackLogger(logger: Logger): SlackLogger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      logger[level](`slack web api: ${msg.map(String).join(' ')}`);
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}

/**
 * chat.postMessage through Slack's WebClient at SLACK_API_URL, with the client's own retries off and
 * rate-limited calls rejected at once: the queue owns every wait (a 429 becomes SlackRateLimitedError
 * carrying Retry-After), so no worker sleeps while holding a job.
 */
export class WebApiPoster implements SlackPoster {
  private readonly client: WebClient;

  constructor(opts: { botToken: string; apiUrl: string; logger: Logger; timeoutMs?: number }) {
    this.client = new WebClient(opts.botToken, {
      slackApiUrl: opts.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: opts.timeoutMs ?? 15_000,
      logger: slackLogger(opts.logger),
      allowAbsoluteUrls: false,
    });
  }

  async post(message: SlackPost): Promise<{ channel: string; ts: string }> {
    let raw: unknown;
    try {
      raw = await this.client.chat.postMessage({
        channel: message.channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (e) {
      throw toSlackError(e);
    }
    const answer = postAnswer.safeParse(raw);
    if (!answer.success) {
      throw new AppError({
        code: 'slack_bad_response',
        verdict: 'retry',
        message: 'Slack answered chat.postMessage with an unexpected shape.',
      });
    }
    return { channel: answer.data.channel, ts: answer.data.ts };
  }

  async update(message: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void> {
    try {
      await this.client.chat.update({
        channel: message.channel,
        ts: message.ts,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
      });
    } catch (e) {
      throw toSlackError(e);
    }
  }

  async permalink(channel: string, ts: string): Promise<string> {
    let raw: unknown;
    try {
      raw = await this.client.chat.getPermalink({ channel, message_ts: ts });
    } catch (e) {
      throw toSlackError(e);
    }
    const answer = permalinkAnswer.safeParse(raw);
    if (!answer.success) {
      throw new AppError({
        code: 'slack_bad_response',
        verdict: 'retry',
        message: 'Slack answered chat.getPermalink with an unexpected shape.',
      });
    }
    return answer.data.permalink;
  }
}

function toSlackError(e: unknown): AppError {
  const err = e as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (err.code === 'slack_webapi_rate_limited_error') {
    return new SlackRateLimitedError(Math.max(1, Number(err.retryAfter ?? 1)) * 1000);
  }
  const slackCode = err.data?.error;
  if (slackCode) {
    return new AppError({
      code: `slack_${slackCode}`,
      verdict: PERMANENT[slackCode] ?? 'retry',
      message: `Slack refused to post the message (${slackCode}).`,
    });
  }
  return new AppError({
    code: 'slack_unreachable',
    verdict: 'retry',
    message: 'Could not reach Slack to post the message; it will be retried.',
  });
}
