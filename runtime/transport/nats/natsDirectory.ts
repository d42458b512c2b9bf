/**
 * Which agent runs on which node, by service discovery over core NATS (no JetStream; see docs/nats.md for why):
 * each node publishes its full list on `<prefix>.ctl.dir.announce.<node>` when it joins and when it changes, a small
 * heartbeat every heartbeatMs, and `bye` when it stops; a node that joins says `hello` and the others announce again;
 * a heartbeat showing a newer list version than known makes us ask that node (`query`). A node silent for lostAfterMs
 * is declared lost, by name, with the agents it held.
 */
import { randomBytes } from 'node:crypto';
import { parsePayload } from './batchCodec';
import { DirectoryState, readControl, type Announcement, type DirectoryEvent, type Heartbeat, type NodeView } from './directoryState';
import type { NatsLink } from './natsLink';
import type { ClusterSubjects } from './subjects';

export interface DirectoryOptions {
  /** This node's name (unique in the cluster). */
  node: string;
  /** Agents hosted here at the start. */
  agents?: string[];
  /** How often this node says it is alive (ms, default 1000). */
  heartbeatMs?: number;
  /** Silence after which another node is declared lost (ms, default 3 heartbeats + 500). */
  lostAfterMs?: number;
  /** The clock (default Date.now). */
  now?: () => number;
  /** A listener registered before the node joins, so no event of the join itself is missed. */
  onEvent?: (event: DirectoryEvent) => void;
}

type Listener<E> = (event: E) => void;

/** The directory of one node, kept up to date over NATS. */
export class NatsDirectory {
  private readonly state: DirectoryState;
  private readonly listeners = new Set<Listener<DirectoryEvent>>();
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private own: Announcement;
  private wasDown = false;
  /** Control messages that were not valid (ignored). */
  invalid = 0;

  private constructor(
    private readonly link: NatsLink,
    private readonly subjects: ClusterSubjects,
    private readonly options: Required<Omit<DirectoryOptions, 'agents' | 'onEvent'>>,
    agents: string[],
  ) {
    this.own = { node: options.node, epoch: randomBytes(8).toString('hex'), version: 0, agents };
    this.state = new DirectoryState(this.own, options.lostAfterMs, options.now());
  }

  /** Join the cluster: listen to the directory subjects, say hello, announce this node, start heartbeats. */
  static async start(link: NatsLink, subjects: ClusterSubjects, options: DirectoryOptions): Promise<NatsDirectory> {
    const heartbeatMs = options.heartbeatMs ?? 1000;
    const full = {
      node: options.node,
      heartbeatMs,
      lostAfterMs: options.lostAfterMs ?? 3 * heartbeatMs + 500,
      now: options.now ?? Date.now,
    };
    const dir = new NatsDirectory(link, subjects, full, [...(options.agents ?? [])]);
    if (options.onEvent) dir.onEvent(options.onEvent);
    dir.listen();
    await link.flush();
    dir.send(subjects.hello, { node: dir.own.node, epoch: dir.own.epoch });
    dir.send(subjects.announce(dir.own.node), dir.own);
    dir.timer = setInterval(() => dir.beat(), heartbeatMs);
    dir.timer.unref();
    await link.flush();
    return dir;
  }

  /** This node's name and epoch (a new epoch per start: a restarted node is a new instance). */
  get node(): string {
    return this.own.node;
  }
  get epoch(): string {
    return this.own.epoch;
  }

  /**
   * Replace the list of agents hosted here (and, optionally, its outside parties and topic subscriptions) and tell
   * the cluster. Throws MessageTooLargeError when the list does not fit in one NATS message (split the agents over
   * more nodes, or raise the server's max_payload).
   */
  announce(agents: string[], more: Pick<Announcement, 'externals' | 'subscriptions'> = {}): void {
    const { announcement, events } = this.state.setOwn(agents, more);
    this.own = announcement;
    this.emit(events);
    if (!this.link.connected) return; // heartbeats carry the version: others query the list once we are back
    this.link.publish(this.subjects.announce(this.own.node), JSON.stringify(this.own));
  }

  /** A live node as known now (read only). */
  view(node: string): Readonly<NodeView> | undefined {
    return this.state.view(node);
  }

  /** The node hosting an agent, or undefined when no live node announced it. */
  lookup(agent: string): string | undefined {
    return this.state.lookup(agent);
  }

  /** Every live node, this one included. */
  nodes(): NodeView[] {
    return this.state.nodes();
  }

  /** Every directory event (joined, lost, left, conflict); returns a function that stops listening. */
  onEvent(cb: Listener<DirectoryEvent>): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  /** A node was declared lost (silent, or restarted under a new epoch). */
  onNodeLost(cb: Listener<Extract<DirectoryEvent, { type: 'lost' }>>): () => void {
    return this.onEvent((e) => {
      if (e.type === 'lost') cb(e);
    });
  }
  /** A node joined (or rejoined after it was lost). */
  onNodeJoined(cb: Listener<Extract<DirectoryEvent, { type: 'joined' }>>): () => void {
    return this.onEvent((e) => {
      if (e.type === 'joined') cb(e);
    });
  }
  /** A node left on purpose. */
  onNodeLeft(cb: Listener<Extract<DirectoryEvent, { type: 'left' }>>): () => void {
    return this.onEvent((e) => {
      if (e.type === 'left') cb(e);
    });
  }

  /** Leave: say bye, stop heartbeats and listening. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.link.connected) {
      this.send(this.subjects.bye(this.own.node), { node: this.own.node, epoch: this.own.epoch });
      await this.link.flush();
    }
  }

  private listen(): void {
    const s = this.subjects;
    this.unsubscribe.push(
      this.link.subscribe(s.directoryAll, (m) => {
        const address = s.parse(m.subject);
        const path = address?.kind === 'ctl' ? address.path : [];
        let body: unknown;
        try {
          body = parsePayload(m.data);
        } catch {
          body = undefined;
        }
        const now = this.options.now();
        switch (path[1]) {
          // hello carries { node, epoch } like bye.
          case 'hello':
            if (readControl('bye', body) && (body as { node: string }).node !== this.own.node)
              this.send(s.announce(this.own.node), this.own);
            return;
          case 'announce':
            return this.handle('announce', body, path[2], (a) => this.state.announce(a as Announcement, now));
          case 'heartbeat':
            return this.handle('heartbeat', body, path[2], (h) => {
              const r = this.state.heartbeat(h as Heartbeat, now);
              if (r.query) void this.query(h.node);
              return r.events;
            });
          case 'bye':
            return this.handle('bye', body, path[2], (b) => this.state.bye(b));
          default:
            return; // query subjects are answered below
        }
      }),
    );
    this.unsubscribe.push(
      this.link.subscribe(s.query(this.own.node), (m) => {
        m.respond(JSON.stringify(this.own));
      }),
    );
  }

  /** Apply a control message if its payload is valid and names the node of its subject (no speaking for others). */
  private handle(
    kind: 'announce' | 'heartbeat' | 'bye',
    body: unknown,
    subjectNode: string | undefined,
    apply: (v: NonNullable<ReturnType<typeof readControl>>) => DirectoryEvent[],
  ): void {
    const value = readControl(kind, body);
    if (!value || value.node !== subjectNode) {
      this.invalid++;
      return;
    }
    this.emit(apply(value));
  }

  private async query(node: string): Promise<void> {
    try {
      const reply = await this.link.request(this.subjects.query(node), '', Math.max(1000, this.options.heartbeatMs));
      const a = readControl('announce', parsePayload(reply));
      if (a && a.node === node) this.emit(this.state.announce(a as Announcement, this.options.now()));
    } catch {
      // The node went away meanwhile, or the reply was garbage: its silence will be noticed by tick().
    }
  }

  private beat(): void {
    // While we are cut off from NATS, others' silence is ours: declare nobody lost, and start their clocks afresh
    // (and ask for everyone's list) once we are back.
    if (!this.link.connected) {
      this.wasDown = true;
      return;
    }
    const now = this.options.now();
    if (this.wasDown) {
      this.wasDown = false;
      this.state.touchAll(now);
      this.send(this.subjects.hello, { node: this.own.node, epoch: this.own.epoch });
    }
    this.send(this.subjects.heartbeat(this.own.node), { node: this.own.node, epoch: this.own.epoch, version: this.own.version });
    this.emit(this.state.tick(now));
  }

  private send(subject: string, body: unknown): void {
    try {
      this.link.publish(subject, JSON.stringify(body));
    } catch {
      /* closed: stop() follows */
    }
  }

  private emit(events: DirectoryEvent[]): void {
    for (const e of events) for (const l of [...this.listeners]) l(e);
  }
}
