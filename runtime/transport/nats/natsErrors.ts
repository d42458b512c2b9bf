/** The errors NATS links raise, each a sentence naming the subject or size and the fix (never a credential). */

/** A message (or batch item) larger than min(caxton's message limit, the server's max_payload). */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  constructor(
    readonly bytes: number,
    readonly limit: number,
    readonly ourLimit: number,
    readonly maxPayload: number,
    what = 'a message',
  ) {
    super(
      `${what} of ${bytes} bytes is over the limit of ${limit} bytes (caxton's message limit ${ourLimit}, the NATS server's max_payload ${maxPayload}); send smaller content${maxPayload < ourLimit ? ' or raise max_payload in the nats-server config' : ''}`,
    );
  }
}

/** A request to a subject nobody subscribes to (NATS answered "no responders" at once). */
export class NoRespondersError extends Error {
  override readonly name = 'NoRespondersError';
  constructor(readonly subject: string) {
    super(`nobody on NATS listens on ${subject}: no node hosts that address (is its node started, with the same cluster prefix?)`);
  }
}

/** A request that got no reply in time. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${subject} within ${timeoutMs} ms`);
  }
}

/** The link is closed (close() was called, or reconnecting gave up). */
export class LinkClosedError extends Error {
  override readonly name = 'LinkClosedError';
  constructor(readonly display: string) {
    super(`the NATS connection to ${display} is closed`);
  }
}

/** The names a run needs are not hosted by any node of the cluster (yet): says which, and which nodes were seen. */
export class ClusterWaitError extends Error {
  override readonly name = 'ClusterWaitError';
}
