/**
 * A fake Slack Web API on 127.0.0.1 for tests: the app's WebClient reaches it through SLACK_API_URL
 * (`fake.apiUrl`, e.g. http://127.0.0.1:N/api/). It behaves like Slack where the app can notice:
 * - form-encoded and JSON bodies, the token in `Authorization: Bearer` or a `token` field; a missing
 *   token is `not_authed`, an unknown one `invalid_auth` (HTTP 200, as Slack answers);
 * - messages kept per channel with ts and thread_ts, so history, replies and update work for real;
 * - every `blocks` array and view validated against the Block Kit schema and Slack's limits, answering
 *   `invalid_blocks` / `msg_blocks_too_long` / `invalid_arguments` with Slack's error wording;
 * - scripted faults: the next N calls of a method answer an error, or HTTP 429 with Retry-After;
 * - trigger_ids (issued by the signer) expire 3 s after issue and can be exchanged once;
 * - response_url endpoints (/response/<id>) that record what was posted to them;
 * - the OAuth v2 install: `authorizeInstall` plays the admin pressing Allow on slack.com's authorize
 *   page (checking client_id, redirect_uri and scopes like Slack), and `oauth.v2.access` (no token;
 *   client credentials in the form or Basic auth) exchanges the one-time code, 10 minutes valid, for a
 *   fresh bot token of that team, which auth.test then answers for. `uninstall(team)` revokes it.
 * - Socket Mode (`enableSocketMode`): `apps.connections.open` answers only an app-level token with a
 *   one-time WebSocket URL of the fake Socket Mode server; like Slack, an app token is refused by every
 *   other method and a bot token by that one (`not_allowed_token_type`).
 * Every call is recorded without its token, client secret or code.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageBlocksProblems, viewProblems } from './block-kit.js';

// biome-ignore lint/suspicious/noExplicitAny: Web API arguments and answers are arbitrary JSON
type Json = any;

export interface RecordedCall {
  seq: number;
  method: string;
  /** The arguments as Slack parsed them, JSON fields decoded, the token removed. */
  args: Record<string, Json>;
  /** Which configured token authenticated the call (its label), or null. Never the token itself. */
  auth: string | null;
  contentType: string;
  status: number;
  ok: boolean;
  error: string | null;
}

export interface StoredMessage {
  ts: string;
  channel: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: Json[];
  reply_count?: number;
  latest_reply?: string;
  edited?: { ts: string };
}

export interface ResponseUrlPost {
  id: string;
  body: Json;
  contentType: string;
  /** When it arrived, in wall-clock milliseconds with sub-millisecond precision (comparable across processes). */
  at: number;
}

export interface Fault {
  /** How many of the next calls fail this way (default 1). */
  times?: number;
  /** Answer `{ok:false, error}` with HTTP 200. */
  error?: string;
  /** Answer HTTP 429 with this Retry-After (seconds). */
  retryAfter?: number;
  /** HTTP status for a server-side failure (500, 503…). */
  status?: number;
}

export interface FakeSlackOptions {
  /** label → token; the default is one bot token. */
  tokens?: Record<string, string>;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** Milliseconds since the epoch; tests may move it. Default Date.now. */
  now?: () => number;
  /** How long a trigger_id lives (Slack: 3 s). */
  triggerTtlMs?: number;
  /** The Slack app's OAuth credentials and registered Redirect URLs (enables the install flow). */
  oauth?: { clientId: string; clientSecret: string; redirectUrls: string[]; appId?: string };
}

/** A workspace the app was installed in through OAuth, as Slack knows it. */
export interface FakeInstall {
  teamId: string;
  teamName: string;
  enterpriseId?: string;
  /** The admin who pressed Allow. */
  userId: string;
  botUserId: string;
  botId: string;
  token: string;
  scopes: string[];
}

export const FAKE_BOT_TOKEN = 'xoxb-fake-0000-bottoken';
/** The label calls made with the Socket Mode app-level token are recorded under. */
const APP_TOKEN_LABEL = 'app';

/** A Slack SDK logger that says nothing: refusals are asserted on, not printed. */
export const quietLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => 'error' as never,
  setName: () => {},
};
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

class SlackError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, Json> = {},
  ) {
    super(code);
  }
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responsePosts: ResponseUrlPost[] = [];
  readonly ephemerals: {
    channel: string;
    user: string;
    text: string;
    blocks?: Json[];
    thread_ts?: string;
  }[] = [];
  readonly homeViews = new Map<string, Json>();
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  private readonly tokens: Map<string, string>;
  private readonly channels = new Map<string, { name: string; isPrivate: boolean; members: Set<string> }>();
  private readonly users = new Map<string, { name: string; realName: string; isBot: boolean; tz: string }>();
  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly views = new Map<string, Json>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, { createdAt: number; uses: number }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly oauthCodes = new Map<
    string,
    { install: Omit<FakeInstall, 'token'>; redirectUri: string | null; issuedAt: number; used: boolean }
  >();
  /** token → the OAuth install it belongs to. */
  private readonly installsByToken = new Map<string, FakeInstall>();
  private readonly revokedTokens = new Set<string>();
  private currentToken: string | undefined;
  private socketMode: { appToken: string; openUrl: () => string } | undefined;
  private readonly oauth: FakeSlackOptions['oauth'];
  private readonly triggerTtlMs: number;
  private lastTs = 0;
  private seq = 0;
  private viewSeq = 0;
  now: () => number;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    opts: FakeSlackOptions,
  ) {
    this.tokens = new Map(Object.entries(opts.tokens ?? { bot: FAKE_BOT_TOKEN }).map(([l, t]) => [t, l]));
    this.teamId = opts.teamId ?? 'T0FAKE001';
    this.botUserId = opts.botUserId ?? 'U0BOT0001';
    this.botId = opts.botId ?? 'B0BOT0001';
    this.now = opts.now ?? Date.now;
    this.triggerTtlMs = opts.triggerTtlMs ?? 3000;
    this.oauth = opts.oauth;
    this.addUser(this.botUserId, { name: 'metabuyer', isBot: true });
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    let fake: FakeSlack | null = null;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((e) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}`, opts);
    return fake;
  }

  /** The SLACK_API_URL the app should use. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- world setup -------------------------------------------------------------------------------

  /** Accepts `appToken` for apps.connections.open, which answers with `openUrl()` (a fresh ticket each time). */
  enableSocketMode(appToken: string, openUrl: () => string): this {
    this.tokens.set(appToken, APP_TOKEN_LABEL);
    this.socketMode = { appToken, openUrl };
    return this;
  }

  addChannel(id: string, opts: { name?: string; isPrivate?: boolean; members?: string[] } = {}): this {
    this.channels.set(id, {
      name: opts.name ?? id.toLowerCase(),
      isPrivate: opts.isPrivate ?? false,
      members: new Set([this.botUserId, ...(opts.members ?? [])]),
    });
    if (!this.messages.has(id)) this.messages.set(id, []);
    return this;
  }

  addUser(id: string, opts: { name?: string; realName?: string; isBot?: boolean; tz?: string } = {}): this {
    this.users.set(id, {
      name: opts.name ?? id.toLowerCase(),
      realName: opts.realName ?? opts.name ?? id,
      isBot: opts.isBot ?? false,
      tz: opts.tz ?? 'Europe/Paris',
    });
    return this;
  }

  /** A person writes in a channel or a thread (as the Events API would then report). */
  postAsUser(channel: string, user: string, text: string, threadTs?: string): StoredMessage {
    return this.store(channel, { user, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  messagesIn(channel: string): StoredMessage[] {
    return [...(this.messages.get(channel) ?? [])];
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The next `times` calls of `method` fail as described. Faults queue in order. */
  fail(method: string, fault: Fault): this {
    const list = this.faults.get(method) ?? [];
    list.push({ times: 1, ...fault });
    this.faults.set(method, list);
    return this;
  }

  /** A trigger_id as Slack puts in a slash command or interaction; it expires after triggerTtlMs. */
  issueTriggerId(): string {
    const id = `${Math.floor(this.now() / 1000)}.${++this.seq}.${Math.random().toString(16).slice(2, 14)}`;
    this.triggers.set(id, { issuedAt: this.now(), used: false });
    return id;
  }

  /** A response_url served by this fake. */
  issueResponseUrl(): string {
    const id = `R${++this.seq}${Math.random().toString(36).slice(2, 10)}`;
    this.responseUrls.set(id, { createdAt: this.now(), uses: 0 });
    return `${this.baseUrl}/response/${id}`;
  }

  // ---- OAuth install -------------------------------------------------------------------------------

  /**
   * The admin of `as.teamId` opens Slack's authorize URL (where /slack/install redirected the browser)
   * and presses Allow. Like Slack, it refuses an unknown client_id or an unregistered redirect_uri, and
   * answers the address the browser is sent back to: the redirect_uri (or the first registered one)
   * with `code` and the unchanged `state`.
   */
  authorizeInstall(
    authorizeUrl: string,
    as: { teamId: string; teamName?: string; userId: string; enterpriseId?: string },
  ): { code: string; redirect: string } {
    if (!this.oauth) throw new Error('fake Slack: start it with `oauth` to install through OAuth');
    const url = new URL(authorizeUrl);
    if (url.searchParams.get('client_id') !== this.oauth.clientId) throw new SlackError('invalid_client_id');
    const asked = url.searchParams.get('redirect_uri');
    if (asked !== null && !this.oauth.redirectUrls.includes(asked)) throw new SlackError('bad_redirect_uri');
    const scopes = (url.searchParams.get('scope') ?? '').split(',').filter(Boolean);
    if (scopes.length === 0) throw new SlackError('invalid_scope');
    const isDefaultTeam = as.teamId === this.teamId;
    const code = `${Math.floor(this.now() / 1000)}.${++this.seq}.${Math.random().toString(16).slice(2, 18)}`;
    this.oauthCodes.set(code, {
      install: {
        teamId: as.teamId,
        teamName: as.teamName ?? `Workspace ${as.teamId}`,
        ...(as.enterpriseId ? { enterpriseId: as.enterpriseId } : {}),
        userId: as.userId,
        botUserId: isDefaultTeam ? this.botUserId : `UB${as.teamId.slice(1)}`,
        botId: isDefaultTeam ? this.botId : `BB${as.teamId.slice(1)}`,
        scopes,
      },
      redirectUri: asked,
      issuedAt: this.now(),
      used: false,
    });
    const back = new URL(asked ?? this.oauth.redirectUrls[0]!);
    back.searchParams.set('code', code);
    const state = url.searchParams.get('state');
    if (state !== null) back.searchParams.set('state', state);
    return { code, redirect: back.toString() };
  }

  /** The live OAuth install of a team (its newest token), if any. */
  installOf(teamId: string): FakeInstall | undefined {
    return [...this.installsByToken.values()]
      .filter((i) => i.teamId === teamId && !this.revokedTokens.has(i.token))
      .at(-1);
  }

  /** The team's admin removes the app: its tokens answer `token_revoked` from now on. */
  uninstall(teamId: string): void {
    for (const i of this.installsByToken.values()) if (i.teamId === teamId) this.revokedTokens.add(i.token);
  }

  private oauthV2Access(args: Record<string, Json>, basic: string | undefined): Record<string, Json> {
    if (!this.oauth) throw new SlackError('invalid_client_id');
    let clientId = args.client_id === undefined ? undefined : String(args.client_id);
    let clientSecret = args.client_secret === undefined ? undefined : String(args.client_secret);
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId ??= id;
      clientSecret ??= secret;
    }
    if (clientId !== this.oauth.clientId) throw new SlackError('invalid_client_id');
    if (clientSecret !== this.oauth.clientSecret) throw new SlackError('bad_client_secret');
    const grant = this.oauthCodes.get(String(args.code ?? ''));
    if (!grant || grant.used || this.now() - grant.issuedAt > 10 * 60 * 1000)
      throw new SlackError('invalid_code');
    const redirectUri = args.redirect_uri === undefined ? null : String(args.redirect_uri);
    if (grant.redirectUri !== null && redirectUri !== grant.redirectUri)
      throw new SlackError('bad_redirect_uri');
    grant.used = true;
    const i = grant.install;
    const token = `xoxb-${i.teamId.toLowerCase()}-${++this.seq}-${Math.random().toString(36).slice(2, 14)}`;
    this.installsByToken.set(token, { ...i, token });
    this.tokens.set(token, `install:${i.teamId}`);
    if (!this.users.has(i.botUserId)) this.addUser(i.botUserId, { name: 'metabuyer', isBot: true });
    return {
      app_id: this.oauth.appId ?? 'A0FAKEAPP1',
      authed_user: { id: i.userId },
      scope: i.scopes.join(','),
      token_type: 'bot',
      access_token: token,
      bot_user_id: i.botUserId,
      team: { id: i.teamId, name: i.teamName },
      enterprise: i.enterpriseId ? { id: i.enterpriseId, name: `Enterprise ${i.enterpriseId}` } : null,
      is_enterprise_install: false,
    };
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    const contentType = String(req.headers['content-type'] ?? '');
    if (url.pathname.startsWith('/response/')) return this.handleResponseUrl(url, raw, contentType, res);
    const api = /^\/api\/([a-zA-Z0-9.]+)$/.exec(url.pathname);
    if (!api || (req.method !== 'POST' && req.method !== 'GET')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
      return;
    }
    const method = api[1]!;
    let args: Record<string, Json>;
    try {
      args = parseArgs(raw, contentType, url.searchParams);
    } catch {
      return this.answer(res, method, {}, null, contentType, 200, { ok: false, error: 'invalid_json' });
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const auth = token === undefined ? null : (this.tokens.get(token) ?? null);
    const fault = this.takeFault(method);
    if (fault?.retryAfter !== undefined) {
      return this.answer(
        res,
        method,
        args,
        auth,
        contentType,
        429,
        { ok: false, error: 'ratelimited' },
        {
          'retry-after': String(fault.retryAfter),
        },
      );
    }
    if (fault?.status !== undefined) {
      return this.answer(res, method, args, auth, contentType, fault.status, {
        ok: false,
        error: 'fatal_error',
      });
    }
    if (method === 'oauth.v2.access') {
      // Needs no token: the app authenticates with its client credentials. Neither they nor the code
      // are recorded.
      const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const recorded = { ...args };
      delete recorded.client_secret;
      delete recorded.code;
      try {
        const body = this.oauthV2Access(args, basic);
        return this.answer(res, method, recorded, null, contentType, 200, { ok: true, ...body });
      } catch (e) {
        if (!(e instanceof SlackError)) throw e;
        return this.answer(res, method, recorded, null, contentType, 200, { ok: false, error: e.code });
      }
    }
    if (token !== undefined && this.revokedTokens.has(token))
      return this.answer(res, method, args, auth, contentType, 200, { ok: false, error: 'token_revoked' });
    if (token === undefined)
      return this.answer(res, method, args, auth, contentType, 200, { ok: false, error: 'not_authed' });
    if (auth === null)
      return this.answer(res, method, args, auth, contentType, 200, { ok: false, error: 'invalid_auth' });
    if (fault?.error)
      return this.answer(res, method, args, auth, contentType, 200, { ok: false, error: fault.error });
    if ((auth === APP_TOKEN_LABEL) !== (method === 'apps.connections.open'))
      return this.answer(res, method, args, auth, contentType, 200, {
        ok: false,
        error: 'not_allowed_token_type',
      });
    const handler = this.methods[method];
    if (!handler)
      return this.answer(res, method, args, auth, contentType, 200, { ok: false, error: 'unknown_method' });
    this.currentToken = token;
    try {
      const body = handler(args);
      return this.answer(res, method, args, auth, contentType, 200, { ok: true, ...body });
    } catch (e) {
      if (!(e instanceof SlackError)) throw e;
      return this.answer(res, method, args, auth, contentType, 200, { ok: false, error: e.code, ...e.extra });
    }
  }

  private answer(
    res: ServerResponse,
    method: string,
    args: Record<string, Json>,
    auth: string | null,
    contentType: string,
    status: number,
    body: Json,
    headers: Record<string, string> = {},
  ): void {
    this.calls.push({
      seq: this.calls.length + 1,
      method,
      args,
      auth,
      contentType,
      status,
      ok: body.ok === true,
      error: body.ok === true ? null : (body.error ?? null),
    });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private takeFault(method: string): Fault | null {
    const list = this.faults.get(method);
    const head = list?.[0];
    if (!list || !head) return null;
    head.times = (head.times ?? 1) - 1;
    if (head.times <= 0) list.shift();
    return head;
  }

  private handleResponseUrl(url: URL, raw: string, contentType: string, res: ServerResponse) {
    const id = url.pathname.slice('/response/'.length);
    const entry = this.responseUrls.get(id);
    const send = (status: number, body: Json) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (!entry) return send(404, { ok: false, error: 'no_service' });
    if (entry.uses >= RESPONSE_URL_USES || this.now() - entry.createdAt > RESPONSE_URL_TTL_MS) {
      return send(404, { ok: false, error: 'used_url' });
    }
    let body: Json;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(400, { ok: false, error: 'invalid_payload' });
    }
    if (body.blocks !== undefined) {
      const problems = messageBlocksProblems(body.blocks);
      if (problems) return send(400, { ok: false, error: problems.error, errors: problems.errors });
    }
    entry.uses++;
    this.responsePosts.push({ id, body, contentType, at: performance.timeOrigin + performance.now() });
    send(200, { ok: true });
  }

  // ---- methods -----------------------------------------------------------------------------------

  private readonly methods: Record<string, (args: Record<string, Json>) => Record<string, Json>> = {
    'apps.connections.open': () => {
      if (!this.socketMode) throw new SlackError('invalid_auth');
      return { url: this.socketMode.openUrl() };
    },
    'auth.test': () => {
      const installed = this.currentToken ? this.installsByToken.get(this.currentToken) : undefined;
      return {
        url: installed
          ? `https://${installed.teamId.toLowerCase()}.slack.com/`
          : 'https://fake-workspace.slack.com/',
        team: installed?.teamName ?? 'Fake Workspace',
        user: 'metabuyer',
        team_id: installed?.teamId ?? this.teamId,
        user_id: installed?.botUserId ?? this.botUserId,
        bot_id: installed?.botId ?? this.botId,
        is_enterprise_install: false,
      };
    },
    'chat.postMessage': (a) => {
      const channel = this.channelFor(a.channel);
      checkMessage(a);
      if (a.thread_ts !== undefined) {
        // Slack: a malformed thread_ts is invalid_thread_ts. A well-formed one naming no message is
        // accepted by Slack and the reply is lost from view; the fake refuses it, to surface the bug.
        if (!/^\d+\.\d{6}$/.test(String(a.thread_ts))) {
          throw new SlackError('invalid_thread_ts', {
            response_metadata: { messages: [`[ERROR] ${String(a.thread_ts)} is not a valid thread_ts`] },
          });
        }
        if (!this.message(channel, String(a.thread_ts))) throw new SlackError('thread_not_found');
      }
      const m = this.store(channel, {
        bot_id: this.botId,
        user: this.botUserId,
        text: String(a.text ?? ''),
        ...(a.blocks ? { blocks: a.blocks } : {}),
        ...(a.thread_ts !== undefined ? { thread_ts: String(a.thread_ts) } : {}),
      });
      return { channel, ts: m.ts, message: { ...m, channel: undefined, type: 'message' } };
    },
    'chat.update': (a) => {
      const channel = this.channelFor(a.channel);
      const m = this.message(channel, String(a.ts ?? ''));
      if (!m) throw new SlackError('message_not_found');
      if (m.bot_id !== this.botId) throw new SlackError('cant_update_message');
      checkMessage(a);
      if (a.text !== undefined) m.text = String(a.text);
      if (a.blocks !== undefined) m.blocks = a.blocks;
      m.edited = { ts: this.nextTs() };
      return { channel, ts: m.ts, text: m.text, message: { ...m, channel: undefined, type: 'message' } };
    },
    'chat.postEphemeral': (a) => {
      const channel = this.channelFor(a.channel);
      const user = String(a.user ?? '');
      if (!this.users.has(user)) throw new SlackError('user_not_found');
      if (!this.channels.get(channel)!.members.has(user)) throw new SlackError('user_not_in_channel');
      checkMessage(a);
      this.ephemerals.push({
        channel,
        user,
        text: String(a.text ?? ''),
        ...(a.blocks ? { blocks: a.blocks } : {}),
        ...(a.thread_ts ? { thread_ts: String(a.thread_ts) } : {}),
      });
      return { message_ts: this.nextTs() };
    },
    'chat.getPermalink': (a) => {
      const channel = this.channelFor(a.channel);
      const ts = String(a.message_ts ?? '');
      const m = this.message(channel, ts);
      if (!m) throw new SlackError('message_not_found');
      const thread = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${channel}` : '';
      return {
        channel,
        permalink: `https://fake-workspace.slack.com/archives/${channel}/p${ts.replace('.', '')}${thread}`,
      };
    },
    'conversations.history': (a) => {
      const channel = this.channelFor(a.channel);
      const top = this.messagesIn(channel)
        .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
        .filter((m) => inRange(m.ts, a))
        .reverse();
      return page(top, a, 'messages');
    },
    'conversations.replies': (a) => {
      const channel = this.channelFor(a.channel);
      const ts = String(a.ts ?? '');
      const parent = this.message(channel, ts);
      if (!parent) throw new SlackError('thread_not_found');
      const thread = this.messagesIn(channel).filter((m) => m.ts === ts || m.thread_ts === ts);
      // Slack always returns the parent first, then the replies in range, oldest first.
      const replies = thread.filter((m) => m.ts !== ts && inRange(m.ts, a));
      return page([parent, ...replies], a, 'messages');
    },
    'conversations.info': (a) => {
      const channel = this.channelFor(a.channel, false);
      const c = this.channels.get(channel)!;
      return {
        channel: {
          id: channel,
          name: c.name,
          is_channel: !c.isPrivate,
          is_group: c.isPrivate,
          is_private: c.isPrivate,
          is_member: c.members.has(this.botUserId),
          is_archived: false,
        },
      };
    },
    'conversations.members': (a) => {
      const channel = this.channelFor(a.channel, false);
      return page([...this.channels.get(channel)!.members], a, 'members');
    },
    'users.info': (a) => {
      const id = String(a.user ?? '');
      const u = this.users.get(id);
      if (!u) throw new SlackError('user_not_found');
      return {
        user: {
          id,
          team_id: this.teamId,
          name: u.name,
          real_name: u.realName,
          is_bot: u.isBot,
          deleted: false,
          tz: u.tz,
          profile: { real_name: u.realName, display_name: u.name },
        },
      };
    },
    'views.open': (a) => {
      this.exchangeTrigger(a.trigger_id);
      const view = checkView(a.view);
      if (view.type !== 'modal') throw new SlackError('invalid_arguments');
      return { view: this.saveView(view) };
    },
    'views.update': (a) => {
      const view = checkView(a.view);
      const existing =
        a.view_id !== undefined
          ? this.views.get(String(a.view_id))
          : [...this.views.values()].find(
              (v) => v.external_id !== undefined && v.external_id === a.external_id,
            );
      if (!existing) throw new SlackError('not_found');
      if (a.hash !== undefined && a.hash !== existing.hash) throw new SlackError('hash_conflict');
      return { view: this.saveView(view, existing.id) };
    },
    'views.publish': (a) => {
      const user = String(a.user_id ?? '');
      if (!this.users.has(user)) throw new SlackError('user_not_found');
      const view = checkView(a.view);
      if (view.type !== 'home') throw new SlackError('invalid_arguments');
      const saved = this.saveView(view, this.homeViews.get(user)?.id);
      this.homeViews.set(user, saved);
      return { view: saved };
    },
  };

  private channelFor(raw: Json, mustBeMember = true): string {
    const id = String(raw ?? '');
    const c = this.channels.get(id);
    if (!c) throw new SlackError('channel_not_found');
    if (mustBeMember && !c.members.has(this.botUserId)) throw new SlackError('not_in_channel');
    return id;
  }

  private exchangeTrigger(raw: Json): void {
    const t = this.triggers.get(String(raw ?? ''));
    if (!t) throw new SlackError('invalid_trigger_id');
    if (t.used) throw new SlackError('exchanged_trigger_id');
    if (this.now() - t.issuedAt > this.triggerTtlMs) throw new SlackError('expired_trigger_id');
    t.used = true;
  }

  private saveView(view: Json, id?: string): Json {
    const viewId = id ?? `V${String(++this.viewSeq).padStart(8, '0')}`;
    const saved = {
      ...view,
      id: viewId,
      team_id: this.teamId,
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${++this.seq}`,
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
    };
    this.views.set(viewId, saved);
    return saved;
  }

  private nextTs(): string {
    // Slack ts: seconds.microseconds, unique and increasing within a channel.
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private store(channel: string, m: Omit<StoredMessage, 'ts' | 'channel'>): StoredMessage {
    if (!this.channels.has(channel)) throw new Error(`fake Slack: unknown channel ${channel}`);
    const msg: StoredMessage = { ...m, ts: this.nextTs(), channel };
    if (msg.thread_ts) {
      const parent = this.message(channel, msg.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = msg.ts;
      }
    }
    this.messages.get(channel)!.push(msg);
    return msg;
  }
}

/** Web API arguments from a form or JSON body (and the query string); JSON-valued fields decoded. */
function parseArgs(raw: string, contentType: string, query: URLSearchParams): Record<string, Json> {
  const args: Record<string, Json> = Object.fromEntries(query.entries());
  if (contentType.startsWith('application/json')) {
    Object.assign(args, raw ? JSON.parse(raw) : {});
  } else {
    for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
  }
  for (const key of ['blocks', 'view', 'attachments', 'metadata']) {
    if (typeof args[key] === 'string' && args[key] !== '') args[key] = JSON.parse(args[key]);
  }
  return args;
}

function checkMessage(a: Record<string, Json>): void {
  const hasBlocks = Array.isArray(a.blocks) && a.blocks.length > 0;
  if ((a.text === undefined || a.text === '') && !hasBlocks && a.attachments === undefined) {
    throw new SlackError('no_text');
  }
  if (typeof a.text === 'string' && a.text.length > 40_000) throw new SlackError('msg_too_long');
  if (a.blocks !== undefined) {
    const problems = messageBlocksProblems(a.blocks);
    if (problems) {
      throw new SlackError(problems.error, {
        errors: problems.errors,
        response_metadata: { messages: problems.errors.map((e) => `[ERROR] ${e}`) },
      });
    }
  }
}

function checkView(view: Json): Json {
  const problems = viewProblems(view);
  if (problems) {
    throw new SlackError(problems.error, {
      response_metadata: { messages: problems.errors.map((e) => `[ERROR] ${e}`) },
    });
  }
  return view;
}

/** Slack's oldest/latest are exclusive unless `inclusive` is set. */
function inRange(ts: string, a: Record<string, Json>): boolean {
  const t = Number(ts);
  const inclusive = a.inclusive === true || a.inclusive === 'true' || a.inclusive === '1';
  if (a.oldest !== undefined && (inclusive ? t < Number(a.oldest) : t <= Number(a.oldest))) return false;
  if (a.latest !== undefined && (inclusive ? t > Number(a.latest) : t >= Number(a.latest))) return false;
  return true;
}

/** Cursor paging: the cursor is the offset, base64 as Slack's are opaque. */
function page<T>(items: T[], a: Record<string, Json>, key: string): Record<string, Json> {
  const limit = Math.min(Math.max(Number(a.limit ?? 100) || 100, 1), 1000);
  const offset = a.cursor ? Number(Buffer.from(String(a.cursor), 'base64').toString('utf8')) || 0 : 0;
  const slice = items.slice(offset, offset + limit);
  const more = offset + limit < items.length;
  return {
    [key]: slice,
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '' },
  };
}
