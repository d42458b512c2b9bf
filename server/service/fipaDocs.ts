/** What each FIPA performative and message field means (FIPA SC00037 Communicative Act Library, SC00061 ACL Message Structure). */
import type { Performative } from '../../schemas';

export interface PerformativeDoc {
  summary: string;
  meaning: string;
  replies: string;
}

/** The 22 FIPA communicative acts plus the seed's `query`, in their own words, with the usual answers. */
export const PERFORMATIVE_DOCS: Record<Performative, PerformativeDoc> = {
  accept_proposal: {
    summary: 'Accept a previously submitted proposal to perform an action.',
    meaning:
      'The sender tells the receiver it accepts the proposal the receiver made (typically in answer to a cfp), so the receiver should now perform the action.',
    replies: 'inform (done) or failure',
  },
  agree: {
    summary: 'Agree to perform some action, possibly in the future.',
    meaning: 'The sender agrees to a request: it will perform the action (when its precondition holds) and report the result later.',
    replies: 'inform or failure follows from the sender',
  },
  cancel: {
    summary: 'Cancel a previous request or subscription.',
    meaning: 'The sender no longer wants the receiver to perform the action it asked for earlier (a request, subscribe or cfp).',
    replies: 'inform (cancelled) or failure',
  },
  cfp: {
    summary: 'Call for proposals to perform an action.',
    meaning:
      'The sender (a manager) asks receivers to propose how, and on what terms, they would perform an action. Usually starts a contract net; give a reply_by deadline.',
    replies: 'propose, refuse or not_understood',
  },
  confirm: {
    summary: 'Tell the receiver a proposition is true, which the receiver was unsure of.',
    meaning: 'The sender believes the proposition is true and that the receiver is uncertain about it.',
    replies: 'none required',
  },
  disconfirm: {
    summary: 'Tell the receiver a proposition is false, which the receiver believed true.',
    meaning: 'The sender believes the proposition is false and that the receiver believes (or is unsure whether) it is true.',
    replies: 'none required',
  },
  failure: {
    summary: 'Report that an attempted action failed.',
    meaning: 'The sender tried to perform an action (that it had agreed to) and it failed; the content says why.',
    replies: 'none required',
  },
  inform: {
    summary: 'Tell the receiver that a proposition is true.',
    meaning:
      'The sender believes the content is true, wants the receiver to believe it too, and does not think the receiver knows already. The usual way to return a result.',
    replies: 'none required',
  },
  inform_if: {
    summary: 'Tell the receiver whether or not a proposition is true.',
    meaning: 'A macro act: the sender will inform the receiver that the proposition is true, or that it is false.',
    replies: 'none required',
  },
  inform_ref: {
    summary: 'Tell the receiver the object that a description refers to.',
    meaning: 'A macro act: the sender informs the receiver of the value of a referring expression (e.g. "the price of X").',
    replies: 'none required',
  },
  not_understood: {
    summary: 'Say the sender did not understand a message.',
    meaning:
      'The sender received a message it could not understand (e.g. an unknown ontology or malformed content); the content says which message and why.',
    replies: 'none required',
  },
  propagate: {
    summary: 'Ask the receiver to pass a message on to agents matching a description.',
    meaning: 'The receiver should treat the embedded message as sent to it and forward it to the agents the description denotes.',
    replies: "the embedded message's replies; failure if it cannot",
  },
  propose: {
    summary: 'Submit a proposal to perform an action under given conditions.',
    meaning: 'The sender proposes to perform an action on the stated terms, typically answering a cfp (or starting fipa-propose).',
    replies: 'accept_proposal or reject_proposal',
  },
  proxy: {
    summary: 'Ask the receiver to forward a message to agents matching a description.',
    meaning: 'The receiver acts as a middle agent: it selects target agents by the description and sends them the embedded message.',
    replies: "agree / refuse, then the targets' replies",
  },
  query_if: {
    summary: 'Ask whether a proposition is true.',
    meaning: 'The sender asks the receiver to tell it whether the content (a proposition) is true.',
    replies: 'inform (true or false), refuse, failure or not_understood',
  },
  query_ref: {
    summary: 'Ask for the object a description refers to.',
    meaning: 'The sender asks the receiver for the value of a referring expression (e.g. "the price of X").',
    replies: 'inform with the value, refuse, failure or not_understood',
  },
  refuse: {
    summary: 'Refuse to perform an action, and say why.',
    meaning: 'The sender will not perform the requested action; the content gives the reason.',
    replies: 'none required',
  },
  reject_proposal: {
    summary: 'Reject a proposal during a negotiation.',
    meaning: 'The sender rejects the proposal the receiver made (e.g. in a contract net or auction); the content may say why.',
    replies: 'none required',
  },
  request: {
    summary: 'Ask the receiver to perform an action.',
    meaning:
      'The sender wants the receiver to perform the action in the content. Starts fipa-request; add reply_with so the answer can refer to it.',
    replies: 'agree then inform/failure, or refuse, or not_understood',
  },
  request_when: {
    summary: 'Ask for an action once a proposition becomes true.',
    meaning: 'The receiver should perform the action when (the first time) the given precondition becomes true.',
    replies: 'agree or refuse, then inform or failure',
  },
  request_whenever: {
    summary: 'Ask for an action each time a proposition becomes true.',
    meaning: 'The receiver should perform the action every time the given condition becomes true, until cancelled.',
    replies: 'agree or refuse, then inform each time',
  },
  subscribe: {
    summary: 'Ask to be notified whenever the value of a reference changes.',
    meaning:
      'The sender wants an inform every time the object the content describes changes, until it sends cancel. Starts fipa-subscribe.',
    replies: 'agree or refuse, then inform on each change',
  },
  query: {
    summary: 'Ask a question (Caxton shorthand for query_ref / query_if).',
    meaning:
      "The seed's general query: the receiver answers with inform (or refuse / failure). Prefer query_ref or query_if when talking to other FIPA platforms.",
    replies: 'inform, refuse, failure or not_understood',
  },
};

/** What each message field means in FIPA ACL. */
export const FIELD_DOCS: Record<string, string> = {
  performative: 'The type of communicative act: what the sender means by sending the message (request, inform, cfp, ...).',
  sender: 'The agent that sends the message.',
  receiver: 'The intended recipients: an agent name, a list of names, `broadcast`, or a topic like `topic://events/orders/created`.',
  reply_to: 'Where replies to this message should go, instead of the sender.',
  content: 'The content of the message: the object of the action or the proposition, interpreted in `language` against `ontology`.',
  language: 'The language in which `content` is expressed (e.g. `json`, `fipa-sl`).',
  encoding: 'The specific encoding of `content` (e.g. `utf-8`).',
  ontology: 'The ontology that gives meaning to the symbols in `content`.',
  protocol:
    'The interaction protocol the sender is following (e.g. `fipa-request`, `fipa-contract-net`); Caxton checks the order of messages against it.',
  conversation_id: 'An expression identifying the ongoing sequence of messages that together form a conversation.',
  reply_with: 'An expression the responder puts in `in_reply_to` of its answer, so the sender can match answer to question.',
  in_reply_to: 'The `reply_with` of the earlier message this one answers.',
  reply_by: 'The latest time (ISO 8601) by which the sender would like a reply; after it, the sender stops waiting.',
  message_id: 'Caxton extension: a unique id so the runtime can drop duplicates under at-least-once delivery.',
};

/** Markdown for a performative's hover and completion documentation. */
export function performativeMarkdown(p: string): string | undefined {
  const d = PERFORMATIVE_DOCS[p as Performative];
  return d ? `**${p}** (FIPA communicative act): ${d.summary}\n\n${d.meaning}\n\n*Usual replies:* ${d.replies}` : undefined;
}
