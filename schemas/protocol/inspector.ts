/**
 * Every message between the inspector webview and its host (the VS Code panel or the standalone page), declared once.
 * Both sides post and handle through `postTyped` / `createHandler`, so nobody switches on an untyped `message.command`.
 */
import type { TraceEvent } from '../trace';
import type { FipaMessage } from '../index';

/** Host -> view. */
export type HostToView =
  /** Replace everything the view shows (a trace opened, a new run started). `live` keeps the slider at the end. */
  | { kind: 'reset'; events: TraceEvent[]; live: boolean; title?: string }
  /** Append events of the running trace (live mode). */
  | { kind: 'append'; events: TraceEvent[] }
  /** The run finished or the runtime went away; the view stops following. */
  | { kind: 'status'; running: boolean; text: string }
  /** The reply to a message sent from the editor ("Send" CodeLens), shown in the details pane. */
  | { kind: 'reply'; request: FipaMessage; reply?: FipaMessage; error?: string }
  /** Another trace to compare the current one with (the compare view's right side). */
  | { kind: 'compare'; title: string; events: TraceEvent[] }
  /** What became of a `revealSource` request (shown in the status line). */
  | { kind: 'revealed'; ok: boolean; text: string }
  /** A debugger stopped: show event `seq` (the message about to be delivered) and say why in the status line. */
  | { kind: 'follow'; seq: number; text: string };

/** View -> host. */
export type ViewToHost =
  /** The view has loaded and wants the current trace. */
  | { kind: 'ready' }
  /** The user selected a message in the diagram (the host may reveal it). */
  | { kind: 'selectMessage'; id: string; conversation_id?: string }
  /** The view drew the trace up to `cursor` of `events` (lets the host, and tests, know what is on screen). */
  | { kind: 'rendered'; cursor: number; events: number; lanes: string[]; rows: number }
  /** Something went wrong in the view; the host logs it. */
  | { kind: 'error'; text: string }
  /**
   * Open where a message came from: the *.fipa.json / scenario entry that holds it (by message_id, else by its
   * fields), or else the manifest and source of the agent that sent it.
   */
  | { kind: 'revealSource'; id: string; message: FipaMessage }
  /** Put text on the clipboard (`what` names it for the confirmation). */
  | { kind: 'copy'; text: string; what: string }
  /** Save an export: the diagram as SVG or Mermaid, a message as .fipa.json; `name` is the suggested file name. */
  | { kind: 'export'; format: 'svg' | 'mermaid' | 'fipa'; text: string; name: string }
  /** Ask the host for a trace to compare with (it answers with `compare`). */
  | { kind: 'pickCompare' }
  /** "Restart from here": re-run this trace deterministically to event `seq` and stop there (the debugger's fork). */
  | { kind: 'fork'; seq: number };

export type HostToViewKind = HostToView['kind'];
export type ViewToHostKind = ViewToHost['kind'];

/** The kinds each side accepts: a message with any other kind is ignored, never dispatched. */
export const HOST_TO_VIEW_KINDS: readonly HostToViewKind[] = ['reset', 'append', 'status', 'reply', 'compare', 'revealed', 'follow'];
export const VIEW_TO_HOST_KINDS: readonly ViewToHostKind[] = [
  'ready',
  'selectMessage',
  'rendered',
  'error',
  'revealSource',
  'copy',
  'export',
  'pickCompare',
  'fork',
];

/** Events per message when a host streams a large trace to the view (one reset, then appends). */
export const TRACE_BATCH = 20_000;

/** A trace as messages for the view: one reset with the first TRACE_BATCH events, then appends (a large trace streams in). */
export function traceMessages(events: readonly TraceEvent[], live: boolean, title?: string): HostToView[] {
  const out: HostToView[] = [{ kind: 'reset', events: events.slice(0, TRACE_BATCH), live, title }];
  for (let i = TRACE_BATCH; i < events.length; i += TRACE_BATCH) out.push({ kind: 'append', events: events.slice(i, i + TRACE_BATCH) });
  return out;
}

/** One handler per message kind, each receiving exactly its own variant. */
export type Handlers<M extends { kind: string }> = { [K in M['kind']]: (message: Extract<M, { kind: K }>) => void };

/** Anything with postMessage: the VS Code webview API, a Webview, a Window. */
export interface MessageTarget<M> {
  postMessage(message: M): unknown;
}

/** Post one typed message. */
export function postTyped<M extends { kind: string }>(target: MessageTarget<M>, message: M): void {
  target.postMessage(message);
}

/**
 * Build a dispatcher from untyped incoming data to the typed handler for its kind; returns false (and calls nothing)
 * for data that is not an object with a known kind.
 */
export function createHandler<M extends { kind: string }>(kinds: readonly M['kind'][], handlers: Handlers<M>): (data: unknown) => boolean {
  return (data: unknown): boolean => {
    if (typeof data !== 'object' || data === null) return false;
    const kind = (data as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) return false;
    const handler = handlers[kind as M['kind']] as (m: M) => void;
    handler(data as M);
    return true;
  };
}
