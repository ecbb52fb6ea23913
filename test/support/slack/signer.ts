/**
 * Sends requests to a Bolt app's HTTP endpoint exactly as Slack does: v0 signatures
 * (X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, `v0:${ts}:${raw body}`) with
 * X-Slack-Request-Timestamp in seconds), slash commands and interactivity form-encoded (interactivity as
 * a single `payload` field holding JSON), the Events API as JSON, and X-Slack-Retry-Num /
 * X-Slack-Retry-Reason on redeliveries. It can forge a bad signature or a stale timestamp. Trigger ids
 * and response URLs come from the fake Slack server, so views.open and response_url posts work.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { FakeSlack } from './fake-slack.js';

// biome-ignore lint/suspicious/noExplicitAny: payloads are arbitrary JSON
type Json = any;

export interface SendOptions {
  /** Sign with this secret instead (a forged signature). */
  forgeSecret?: string;
  /** Replace the signature header entirely. */
  signature?: string;
  /** Seconds to subtract from now for the timestamp (> 300 makes it stale for Bolt). */
  ageSeconds?: number;
  /** Mark as Slack's n-th redelivery (X-Slack-Retry-Num) with this reason. */
  retry?: { num: number; reason: 'http_timeout' | 'http_error' | 'too_many_requests' | 'unknown_error' };
}

export interface SignedResponse {
  status: number;
  body: string;
  json: Json;
  headers: Headers;
}

export interface SignerOptions {
  /** The app's endpoint, e.g. http://127.0.0.1:N/slack/events. */
  url: string;
  signingSecret: string;
  slack: FakeSlack;
  teamId?: string;
  apiAppId?: string;
  now?: () => number;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class SlackSigner {
  readonly teamId: string;
  readonly apiAppId: string;
  private readonly now: () => number;

  constructor(private readonly opts: SignerOptions) {
    this.teamId = opts.teamId ?? opts.slack.teamId;
    this.apiAppId = opts.apiAppId ?? 'A0FAKEAPP1';
    this.now = opts.now ?? Date.now;
  }

  /** POSTs a raw body with Slack's headers. */
  async send(body: string, contentType: string, o: SendOptions = {}): Promise<SignedResponse> {
    const ts = String(Math.floor(this.now() / 1000) - (o.ageSeconds ?? 0));
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': ts,
      'x-slack-signature': o.signature ?? signature(o.forgeSecret ?? this.opts.signingSecret, ts, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (o.retry) {
      headers['x-slack-retry-num'] = String(o.retry.num);
      headers['x-slack-retry-reason'] = o.retry.reason;
    }
    const res = await fetch(this.opts.url, { method: 'POST', headers, body });
    const text = await res.text();
    let json: Json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, body: text, json, headers: res.headers };
  }

  /** A slash command; returns the response plus the trigger_id and response_url it carried. */
  async command(
    input: { user: string; channel: string; text: string; command?: string; userName?: string },
    o: SendOptions = {},
  ): Promise<SignedResponse & { triggerId: string; responseUrl: string }> {
    const triggerId = this.opts.slack.issueTriggerId();
    const responseUrl = this.opts.slack.issueResponseUrl();
    const form = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'fake-workspace',
      channel_id: input.channel,
      channel_name: input.channel.toLowerCase(),
      user_id: input.user,
      user_name: input.userName ?? input.user.toLowerCase(),
      command: input.command ?? '/metabuyer',
      text: input.text,
      api_app_id: this.apiAppId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    const res = await this.send(form.toString(), 'application/x-www-form-urlencoded', o);
    return { ...res, triggerId, responseUrl };
  }

  /** Form-encodes an interactivity payload as Slack does: a single `payload` field of JSON. */
  async interaction(payload: Json, o: SendOptions = {}): Promise<SignedResponse> {
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    return this.send(form.toString(), 'application/x-www-form-urlencoded', o);
  }

  /** A button click in a message (block_actions). */
  async blockAction(
    input: {
      user: string;
      channel: string;
      messageTs: string;
      actionId: string;
      value?: string;
      blockId?: string;
      threadTs?: string;
    },
    o: SendOptions = {},
  ): Promise<SignedResponse & { triggerId: string; responseUrl: string }> {
    const triggerId = this.opts.slack.issueTriggerId();
    const responseUrl = this.opts.slack.issueResponseUrl();
    const message = this.opts.slack.message(input.channel, input.messageTs);
    const res = await this.interaction(
      {
        type: 'block_actions',
        user: {
          id: input.user,
          username: input.user.toLowerCase(),
          name: input.user.toLowerCase(),
          team_id: this.teamId,
        },
        api_app_id: this.apiAppId,
        token: 'deprecated-verification-token',
        container: {
          type: 'message',
          message_ts: input.messageTs,
          channel_id: input.channel,
          is_ephemeral: false,
          ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
        },
        trigger_id: triggerId,
        team: { id: this.teamId, domain: 'fake-workspace' },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: input.channel, name: input.channel.toLowerCase() },
        message: message
          ? {
              type: 'message',
              ts: message.ts,
              text: message.text,
              blocks: message.blocks ?? [],
              user: message.user,
              bot_id: message.bot_id,
              ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
            }
          : { type: 'message', ts: input.messageTs, text: '' },
        state: { values: {} },
        response_url: responseUrl,
        actions: [
          {
            type: 'button',
            action_id: input.actionId,
            block_id: input.blockId ?? 'block',
            text: { type: 'plain_text', text: input.actionId, emoji: true },
            ...(input.value !== undefined ? { value: input.value } : {}),
            action_ts: (this.now() / 1000).toFixed(6),
          },
        ],
      },
      o,
    );
    return { ...res, triggerId, responseUrl };
  }

  /** A block action on the App Home tab (container type "view"). */
  async homeAction(
    input: {
      user: string;
      viewId: string;
      actionId: string;
      value?: string;
      blockId?: string;
      /** The Home's element state Slack sends along (view.state.values: pickers, radio buttons). */
      state?: Record<string, Record<string, Json>>;
    },
    o: SendOptions = {},
  ): Promise<SignedResponse & { triggerId: string }> {
    const triggerId = this.opts.slack.issueTriggerId();
    const res = await this.interaction(
      {
        type: 'block_actions',
        user: { id: input.user, username: input.user.toLowerCase(), team_id: this.teamId },
        api_app_id: this.apiAppId,
        container: { type: 'view', view_id: input.viewId },
        trigger_id: triggerId,
        team: { id: this.teamId, domain: 'fake-workspace' },
        view: { id: input.viewId, type: 'home', team_id: this.teamId, state: { values: input.state ?? {} } },
        actions: [
          {
            type: 'button',
            action_id: input.actionId,
            block_id: input.blockId ?? 'block',
            text: { type: 'plain_text', text: input.actionId },
            ...(input.value !== undefined ? { value: input.value } : {}),
            action_ts: (this.now() / 1000).toFixed(6),
          },
        ],
      },
      o,
    );
    return { ...res, triggerId };
  }

  /** A modal submission; `values` is view.state.values ({block_id: {action_id: {type, value…}}}). */
  async viewSubmission(
    input: { user: string; view: Json; values: Record<string, Record<string, Json>> },
    o: SendOptions = {},
  ): Promise<SignedResponse> {
    return this.interaction(
      {
        type: 'view_submission',
        team: { id: this.teamId, domain: 'fake-workspace' },
        user: { id: input.user, username: input.user.toLowerCase(), team_id: this.teamId },
        api_app_id: this.apiAppId,
        token: 'deprecated-verification-token',
        trigger_id: this.opts.slack.issueTriggerId(),
        view: {
          id: input.view.id ?? 'V00000000',
          team_id: this.teamId,
          type: 'modal',
          private_metadata: input.view.private_metadata ?? '',
          callback_id: input.view.callback_id ?? '',
          hash: input.view.hash ?? '1.1',
          title: input.view.title,
          blocks: input.view.blocks ?? [],
          state: { values: input.values },
        },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      },
      o,
    );
  }

  /** An Events API callback; returns the response and the event_id it used. */
  async event(
    event: Json,
    o: SendOptions & { eventId?: string } = {},
  ): Promise<SignedResponse & { eventId: string }> {
    const eventId = o.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: this.apiAppId,
      event: { event_ts: (this.now() / 1000).toFixed(6), ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(this.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.opts.slack.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${eventId}`,
    });
    const res = await this.send(body, 'application/json', o);
    return { ...res, eventId };
  }

  /**
   * A person's reply in a thread: stored in the fake (so conversations.replies sees it) and delivered
   * as the message event Slack would send. Redeliver with the same eventId and `retry` to test dedup.
   */
  async threadReply(
    input: { user: string; channel: string; threadTs: string; text: string },
    o: SendOptions & { eventId?: string } = {},
  ): Promise<SignedResponse & { eventId: string; ts: string }> {
    const stored = this.opts.slack.postAsUser(input.channel, input.user, input.text, input.threadTs);
    const res = await this.event(
      {
        type: 'message',
        channel: input.channel,
        channel_type: 'channel',
        user: input.user,
        text: input.text,
        ts: stored.ts,
        thread_ts: input.threadTs,
      },
      o,
    );
    return { ...res, ts: stored.ts };
  }

  async appHomeOpened(user: string, o: SendOptions = {}): Promise<SignedResponse & { eventId: string }> {
    return this.event({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' }, o);
  }

  /** Slack's handshake when the Request URL is saved. */
  async urlVerification(
    challenge: string = randomUUID(),
    o: SendOptions = {},
  ): Promise<SignedResponse & { challenge: string }> {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      challenge,
      type: 'url_verification',
    });
    const res = await this.send(body, 'application/json', o);
    return { ...res, challenge };
  }
}
