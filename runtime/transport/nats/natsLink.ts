/**
 * One node's connection to NATS: credentials from URL / creds file / env (never logged), reconnects forever after a
 * server restart, refuses payloads above min(caxton's 1 MiB message limit, the server's max_payload), counts what
 * may have been lost (core NATS is at-most-once), request/reply with "no responders", and batching of envelopes.
 */
import * as fs from 'node:fs';
import {
  connect,
  credsAuthenticator,
  RequestError,
  TimeoutError,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { DEFAULT_ROUTER_LIMITS } from '../../router/limits';
import { Batcher, type BatcherOptions } from './batcher';
import { NatsConfigError, resolveNatsEndpoint, type NatsEndpoint, type NatsEnv } from './credentials';
import { LinkClosedError, MessageTooLargeError, NoRespondersError, RequestTimeoutError } from './natsErrors';

export interface NatsLinkOptions {
  /** nats://[user:pass@|token@]host:port[,nats://...] (default: CAXTON_NATS_URL, then nats://127.0.0.1:4222). */
  url?: string;
  /** A NATS .creds file (default: CAXTON_NATS_CREDS). */
  credsFile?: string;
  /** Where CAXTON_NATS_* are read (default: process.env). */
  env?: NatsEnv;
  /** The connection's name on the server (shows in its monitoring). */
  name?: string;
  /** caxton's message limit (default: the router's 1 MiB); the link's limit is min(this, the server's max_payload). */
  maxMessageBytes?: number;
  /** Progress lines (connected, disconnected, reconnected...); never given a credential. */
  log?: (line: string) => void;
  /** Wait between reconnect attempts (ms, default 250) and how many before giving up (default -1: forever). */
  reconnectWaitMs?: number;
  maxReconnectAttempts?: number;
  /** Connect timeout (ms, default 5000). */
  timeoutMs?: number;
}

/** What the link did, and what may have been lost (for the run summary). */
export interface LinkCounters {
  published: number;
  received: number;
  /** Published while the connection was down: buffered and sent on reconnect, but a receiver may not be back yet. */
  publishedWhileDisconnected: number;
  /** Refused because over the size limit (nothing was sent). */
  refusedTooLarge: number;
  disconnects: number;
  reconnects: number;
  /** Slow-consumer reports: the client fell behind (client side) or the server cut it off (messages were dropped). */
  slowConsumers: number;
  noResponders: number;
  requestTimeouts: number;
  /** Errors the server reported (permissions violations and the like). */
  serverErrors: number;
}

/** One received message: its data, its subject and, for a request, a way to reply. */
export interface Incoming {
  data: Uint8Array;
  subject: string;
  reply?: string;
  respond(data: string | Uint8Array): boolean;
}

/** A live NATS connection with caxton's limits and counters. */
export class NatsLink {
  private readonly counters: LinkCounters = {
    published: 0,
    received: 0,
    publishedWhileDisconnected: 0,
    refusedTooLarge: 0,
    disconnects: 0,
    reconnects: 0,
    slowConsumers: 0,
    noResponders: 0,
    requestTimeouts: 0,
    serverErrors: 0,
  };
  private up = true;
  private readonly ourLimit: number;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly nc: NatsConnection,
    readonly endpoint: NatsEndpoint,
    options: NatsLinkOptions,
  ) {
    this.ourLimit = options.maxMessageBytes ?? DEFAULT_ROUTER_LIMITS.maxMessageBytes;
    this.log = options.log ?? (() => undefined);
    void this.watchStatus();
  }

  /** Connect (fails with a sentence naming the server, never the secret). */
  static async connect(options: NatsLinkOptions = {}): Promise<NatsLink> {
    const endpoint = resolveNatsEndpoint({ url: options.url, credsFile: options.credsFile, env: options.env ?? (process.env as NatsEnv) });
    const auth = endpoint.auth;
    let authenticator;
    if (auth.kind === 'creds') {
      let creds: Buffer;
      try {
        creds = fs.readFileSync(auth.file);
      } catch (e) {
        throw new NatsConfigError(
          `cannot read the NATS creds file ${auth.file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path given by --nats-creds or CAXTON_NATS_CREDS`,
        );
      }
      authenticator = credsAuthenticator(new Uint8Array(creds));
    }
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: endpoint.servers,
        name: options.name,
        ...(auth.kind === 'user' ? { user: auth.user, pass: auth.password } : {}),
        ...(auth.kind === 'token' ? { token: auth.token } : {}),
        ...(authenticator ? { authenticator } : {}),
        reconnect: true,
        maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
        reconnectTimeWait: options.reconnectWaitMs ?? 250,
        reconnectJitter: 50,
        timeout: options.timeoutMs ?? 5000,
      });
    } catch (e) {
      throw new NatsConfigError(
        `cannot connect to NATS at ${endpoint.display}: ${scrub(e, endpoint)}; is nats-server running there, and are the credentials right?`,
      );
    }
    const link = new NatsLink(nc, endpoint, options);
    link.log(`nats: connected to ${endpoint.display} (server ${nc.info?.version ?? '?'}, max_payload ${nc.info?.max_payload ?? '?'})`);
    return link;
  }

  /** The server's max_payload (re-read after each reconnect; servers of a cluster may differ). */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? this.ourLimit;
  }
  /** The largest payload this link sends: min(caxton's message limit, max_payload). */
  get maxMessageBytes(): number {
    return Math.min(this.ourLimit, this.maxPayload);
  }
  /** Whether the connection is up now (false while reconnecting). */
  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }
  /** The server's version string, e.g. 2.9.10. */
  get serverVersion(): string | undefined {
    return this.nc.info?.version;
  }

  /** A copy of the counters. */
  stats(): LinkCounters {
    return { ...this.counters };
  }

  /** Publish a payload; throws MessageTooLargeError (nothing sent) above maxMessageBytes. */
  publish(subject: string, data: string | Uint8Array, reply?: string): void {
    if (this.nc.isClosed()) throw new LinkClosedError(this.endpoint.display);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
    if (bytes > this.maxMessageBytes) {
      this.counters.refusedTooLarge++;
      throw new MessageTooLargeError(bytes, this.maxMessageBytes, this.ourLimit, this.maxPayload);
    }
    if (!this.up) this.counters.publishedWhileDisconnected++;
    this.counters.published++;
    this.nc.publish(subject, data, reply ? { reply } : undefined);
  }

  /** Subscribe (in a queue group when given); returns a function that unsubscribes. */
  subscribe(subject: string, handler: (msg: Incoming) => void, options: { queue?: string } = {}): () => void {
    const sub: Subscription = this.nc.subscribe(subject, {
      queue: options.queue,
      callback: (err, m) => {
        if (err) {
          this.counters.serverErrors++;
          this.log(`nats: subscription ${subject}: ${err.message}`);
          return;
        }
        this.counters.received++;
        handler(incoming(m));
      },
    });
    return () => sub.unsubscribe();
  }

  /** Request/reply: resolves with the reply's data; NoRespondersError at once when nobody listens, RequestTimeoutError after timeoutMs. */
  async request(subject: string, data: string | Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
    if (bytes > this.maxMessageBytes) {
      this.counters.refusedTooLarge++;
      throw new MessageTooLargeError(bytes, this.maxMessageBytes, this.ourLimit, this.maxPayload);
    }
    this.counters.published++;
    try {
      return (await this.nc.request(subject, data, { timeout: timeoutMs })).data;
    } catch (e) {
      if (e instanceof RequestError && e.isNoResponders()) {
        this.counters.noResponders++;
        throw new NoRespondersError(subject);
      }
      if (e instanceof TimeoutError || (e as Error).cause instanceof TimeoutError) {
        this.counters.requestTimeouts++;
        throw new RequestTimeoutError(subject, timeoutMs);
      }
      throw e;
    }
  }

  /** A batcher that publishes through this link with its size limit (see Batcher). */
  batcher(options: Omit<BatcherOptions, 'maxBytes' | 'ourLimit' | 'maxPayload'> = {}): Batcher {
    return new Batcher((subject, payload) => this.publish(subject, payload), {
      ...options,
      maxBytes: this.maxMessageBytes,
      ourLimit: this.ourLimit,
      maxPayload: this.maxPayload,
    });
  }

  /** Round trip to the server: everything published before has reached it (and subscriptions are registered). */
  flush(): Promise<void> {
    return this.nc.flush();
  }

  /** Drain (deliver what is in flight, then close); idempotent. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }

  /** Resolves when the connection is closed for good (close(), or reconnecting gave up). */
  closed(): Promise<void> {
    return this.nc.closed().then(() => undefined);
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.up = false;
          this.counters.disconnects++;
          this.log(`nats: disconnected from ${s.server}; reconnecting`);
          break;
        case 'reconnect':
          this.up = true;
          this.counters.reconnects++;
          this.log(`nats: reconnected to ${s.server} (max_payload ${this.maxPayload})`);
          break;
        case 'slowConsumer':
          this.counters.slowConsumers++;
          this.log(`nats: slow consumer on ${s.sub.getSubject()} (${s.pending} pending)`);
          break;
        case 'error':
          this.counters.serverErrors++;
          if (/slow consumer/i.test(s.error.message)) this.counters.slowConsumers++;
          this.log(`nats: server error: ${scrub(s.error, this.endpoint)}`);
          break;
        default:
          break;
      }
    }
  }
}

function incoming(m: Msg): Incoming {
  return { data: m.data, subject: m.subject, reply: m.reply, respond: (data) => m.respond(data) };
}

/** An error's message with any credential of the endpoint removed (belt and braces: none should be there). */
function scrub(e: unknown, endpoint: NatsEndpoint): string {
  let text = e instanceof Error ? e.message : String(e);
  const a = endpoint.auth;
  const secrets = a.kind === 'user' ? [a.password] : a.kind === 'token' ? [a.token] : [];
  for (const s of secrets.filter((x) => x.length > 0)) text = text.split(s).join('***');
  return text;
}
