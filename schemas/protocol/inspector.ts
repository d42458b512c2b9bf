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
  | { kind: 'reply'; request: FipaMessage; reply?: FipaMessage; error?: string };

/** View -> host. */
export type ViewToHost =
  /** The view has loaded and wants the current trace. */
  | { kind: 'ready' }
  /** The user selected a message in the diagram (the host may reveal it). */
  | { kind: 'selectMessage'; id: string; conversation_id?: string }
  /** The view drew the trace up to `cursor` of `events` (lets the host, and tests, know what is on screen). */
  | { kind: 'rendered'; cursor: number; events: number; lanes: string[]; rows: number }
  /** Something went wrong in the view; the host logs it. */
  | { kind: 'error'; text: string };

export type HostToViewKind = HostToView['kind'];
export type ViewToHostKind = ViewToHost['kind'];

/** The kinds each side accepts: a message with any other kind is ignored, never dispatched. */
export const HOST_TO_VIEW_KINDS: readonly HostToViewKind[] = ['reset', 'append', 'status', 'reply'];
export const VIEW_TO_HOST_KINDS: readonly ViewToHostKind[] = ['ready', 'selectMessage', 'rendered', 'error'];

/** One handler per message kind, each receiving exactly its own variant. */
export type Handlers<M extends { kind: string }> = { [K in M['kind']]: (message: Extract<M, { kind: K }>) => void };

/** Anything with postMessage: the VS Code webview API, a Webview, a Window. */
export interface MessageTarget<M> { postMessage(message: M): unknown }

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
