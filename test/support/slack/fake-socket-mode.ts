/**
 * A fake of Slack's Socket Mode backend on 127.0.0.1, beside the fake Web API: `apps.connections.open`
 * (called with the app-level token) hands out `ws://127.0.0.1:N/link/?ticket=…`, a one-time URL; the
 * WebSocket server accepts that ticket only, sends `hello`, then delivers envelopes
 * `{envelope_id, type: 'slash_commands' | 'interactive' | 'events_api', payload, accepts_response_payload}`
 * and records each ack `{envelope_id, payload?}` with the time it took.
 *
 * `SocketModeSigner` reuses every request the HTTP signer builds (slash commands, buttons, modal
 * submissions, thread replies, App Home) and delivers it over the socket instead, as Slack does for an app
 * in Socket Mode: the ack's payload plays the part of the HTTP response body.
 *
 * The WebSocket server is a minimal RFC 6455 implementation on node:http's `upgrade` (handshake, text,
 * ping/pong and close frames; client frames must be masked), so the harness needs no extra package; the
 * app's side is the real client of @slack/socket-mode (undici's WebSocket), which keeps it honest.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FakeSlack } from './fake-slack.js';
import { type SendOptions, type SignedResponse, SlackSigner } from './signer.js';

// biome-ignore lint/suspicious/noExplicitAny: envelopes carry arbitrary JSON
type Json = any;

export const FAKE_APP_TOKEN = 'xapp-1-A0FAKEAPP1-1234567890-0123456789abcdef0123456789abcdef';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Ack {
  envelope_id: string;
  payload?: Json;
  /** Milliseconds from the envelope being sent to its ack arriving. */
  latencyMs: number;
}

interface Delivered {
  envelope_id: string;
  type: EnvelopeType;
  sentAt: number;
}

/** One accepted WebSocket: frames in and out. */
class Connection {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  open = true;

  constructor(
    private readonly socket: Duplex,
    private readonly onText: (text: string) => void,
    private readonly onProblem: (problem: string) => void,
  ) {
    socket.on('data', (d: Buffer) => this.feed(d));
    socket.on('close', () => {
      this.open = false;
    });
    socket.on('error', () => {
      this.open = false;
    });
  }

  sendText(text: string): void {
    this.frame(OP.text, Buffer.from(text, 'utf8'));
  }

  close(code = 1000): void {
    if (!this.open) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.frame(OP.close, body);
    this.socket.end();
    this.open = false;
  }

  destroy(): void {
    this.open = false;
    this.socket.destroy();
  }

  feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLength = masked ? 4 : 0;
      if (b.length < offset + maskLength + length) return;
      const mask = b.subarray(offset, offset + maskLength);
      const payload = Buffer.from(b.subarray(offset + maskLength, offset + maskLength + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      this.buffer = b.subarray(offset + maskLength + length);
      // RFC 6455 §5.1: a client must mask every frame it sends.
      if (!masked) this.onProblem(`unmasked client frame (opcode ${opcode})`);
      this.handle(fin, opcode, payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OP.ping) {
      this.frame(OP.pong, payload);
      return;
    }
    if (opcode === OP.pong) return;
    if (opcode === OP.close) {
      if (this.open) {
        this.frame(OP.close, payload.subarray(0, 2));
        this.socket.end();
      }
      this.open = false;
      return;
    }
    if (opcode === OP.binary) {
      this.onProblem('binary frame from the client');
      return;
    }
    this.fragments.push(payload);
    if (!fin) return;
    const text = Buffer.concat(this.fragments).toString('utf8');
    this.fragments = [];
    this.onText(text);
  }

  private frame(opcode: number, payload: Buffer): void {
    if (!this.open && opcode !== OP.close) return;
    const n = payload.length;
    const header = n < 126 ? Buffer.alloc(2) : n < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (n < 126) header[1] = n;
    else if (n < 65_536) {
      header[1] = 126;
      header.writeUInt16BE(n, 2);
    } else {
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(n), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }
}

export class FakeSocketMode {
  readonly acks: Ack[] = [];
  /** Protocol faults of the client (unmasked frames, unknown messages): a test expects none. */
  readonly problems: string[] = [];
  readonly delivered: Delivered[] = [];
  /** How many WebSocket connections were accepted (reconnects count). */
  connections = 0;
  private readonly tickets = new Set<string>();
  private readonly live = new Set<Connection>();
  private current: Connection | undefined;
  private readonly waiters = new Map<string, (ack: Ack) => void>();
  private readonly helloWaiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly wsUrl: string,
    readonly appId: string,
  ) {}

  /** Starts the socket server and teaches `slack` to hand out its URL for `appToken`. */
  static async start(
    slack: FakeSlack,
    opts: { appToken?: string; appId?: string } = {},
  ): Promise<FakeSocketMode> {
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('Upgrade Required');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSocketMode(server, `ws://127.0.0.1:${port}`, opts.appId ?? 'A0FAKEAPP1');
    server.on('upgrade', (req, socket, head) => fake.upgrade(req, socket, head));
    slack.enableSocketMode(opts.appToken ?? FAKE_APP_TOKEN, () => fake.issueUrl());
    return fake;
  }

  /** What apps.connections.open answers: a URL whose ticket works once. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.wsUrl}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Resolves once an app is connected and has been sent `hello`. */
  async connected(within = 15_000): Promise<void> {
    if (this.current?.open) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no Socket Mode client connected')), within);
      this.helloWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Sends an envelope to the connected app; returns its envelope_id. */
  deliver(
    type: EnvelopeType,
    payload: Json,
    opts: { acceptsResponsePayload?: boolean; retryAttempt?: number; retryReason?: string } = {},
  ): string {
    const conn = this.current;
    if (!conn?.open) throw new Error('no Socket Mode client is connected');
    const envelopeId = randomUUID();
    const envelope: Json = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
    };
    if (type === 'events_api') {
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryReason ?? '';
    }
    this.delivered.push({ envelope_id: envelopeId, type, sentAt: performance.now() });
    conn.sendText(JSON.stringify(envelope));
    return envelopeId;
  }

  /** The ack of an envelope, waiting for it at most `within` ms (Slack gives an app 3 s). */
  async ackOf(envelopeId: string, within = 10_000): Promise<Ack> {
    const done = this.acks.find((a) => a.envelope_id === envelopeId);
    if (done) return done;
    return new Promise<Ack>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.delete(envelopeId);
        reject(new Error(`envelope ${envelopeId} was not acknowledged within ${within} ms`));
      }, within);
      this.waiters.set(envelopeId, (ack) => {
        clearTimeout(t);
        resolve(ack);
      });
    });
  }

  /** Slack asks the app to reconnect (as it does every few hours): `disconnect`, then the socket closes. */
  requestReconnect(): void {
    const conn = this.current;
    if (!conn?.open) return;
    conn.sendText(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
  }

  async close(): Promise<void> {
    for (const c of this.live) c.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.wsUrl.replace(/^ws/, 'http'));
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || typeof key !== 'string') {
      refuse('400 Bad Request');
      return;
    }
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      refuse('401 Unauthorized');
      return;
    }
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      [
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accept}`,
        '',
        '',
      ].join('\r\n'),
    );
    const conn = new Connection(
      socket,
      (text) => this.onMessage(text),
      (p) => this.problems.push(p),
    );
    this.connections++;
    this.live.add(conn);
    socket.on('close', () => this.live.delete(conn));
    if (head.length > 0) conn.feed(head);
    this.current = conn;
    conn.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    for (const w of this.helloWaiters.splice(0)) w();
  }

  private onMessage(text: string): void {
    let msg: Json;
    try {
      msg = JSON.parse(text);
    } catch {
      this.problems.push(`not JSON: ${text.slice(0, 80)}`);
      return;
    }
    const sent = this.delivered.find((d) => d.envelope_id === msg?.envelope_id);
    if (!sent) {
      this.problems.push(`ack of an unknown envelope: ${text.slice(0, 80)}`);
      return;
    }
    const ack: Ack = {
      envelope_id: msg.envelope_id,
      ...(msg.payload !== undefined ? { payload: msg.payload } : {}),
      latencyMs: performance.now() - sent.sentAt,
    };
    this.acks.push(ack);
    this.waiters.get(ack.envelope_id)?.(ack);
    this.waiters.delete(ack.envelope_id);
  }
}

/**
 * The HTTP signer's requests, delivered over Socket Mode: a slash command's form becomes a
 * `slash_commands` envelope (the same fields, as strings), an interactivity form's `payload` an
 * `interactive` one, an Events API body an `events_api` one (Slack's retry headers become
 * retry_attempt / retry_reason). The answer is the ack: status 200, its payload as the JSON body.
 */
export class SocketModeSigner extends SlackSigner {
  /** The ack of the last delivery (with its latency). */
  lastAck: Ack | undefined;

  constructor(
    private readonly socket: FakeSocketMode,
    slack: FakeSlack,
  ) {
    // Nothing is signed in Socket Mode; the URL and secret are never used.
    super({ url: 'socket-mode:', signingSecret: 'unused-in-socket-mode', slack, apiAppId: socket.appId });
  }

  override async send(body: string, contentType: string, o: SendOptions = {}): Promise<SignedResponse> {
    let type: EnvelopeType;
    let payload: Json;
    if (contentType.startsWith('application/json')) {
      type = 'events_api';
      payload = JSON.parse(body);
    } else {
      const form = Object.fromEntries(new URLSearchParams(body));
      if (typeof form.payload === 'string') {
        type = 'interactive';
        payload = JSON.parse(form.payload);
      } else {
        type = 'slash_commands';
        payload = form;
      }
    }
    const id = this.socket.deliver(type, payload, {
      ...(o.retry ? { retryAttempt: o.retry.num, retryReason: o.retry.reason } : {}),
    });
    const ack = await this.socket.ackOf(id);
    this.lastAck = ack;
    const json = ack.payload && Object.keys(ack.payload).length > 0 ? ack.payload : null;
    return {
      status: 200,
      body: json ? JSON.stringify(json) : '',
      json,
      headers: new Headers(),
    };
  }
}
