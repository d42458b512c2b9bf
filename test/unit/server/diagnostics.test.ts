/** Every diagnostic rule, from a fixture table: file, text, expected code, exact range, severity. */
import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { doc, lines, service, type Span } from './helpers';

const E = DiagnosticSeverity.Error,
  W = DiagnosticSeverity.Warning,
  I = DiagnosticSeverity.Information;

interface Case {
  name: string;
  file: string;
  text: string;
  code: string;
  span: Span;
  severity: DiagnosticSeverity;
  says?: string;
  agents?: string[];
  maxContentBytes?: number;
}

const msg = (...props: string[]) => lines('{', ...props.map((p, i) => `  ${p}${i < props.length - 1 ? ',' : ''}`), '}');
const base = ['"performative": "inform"', '"sender": "alice"', '"receiver": "bob"', '"conversation_id": "c1"'];
const convo = (...ms: string[]) => lines('[', ...ms.map((m, i) => `${m}${i < ms.length - 1 ? ',' : ''}`), ']');
const cnet =
  '{"performative": "cfp", "sender": "m", "receiver": ["w1", "w2"], "conversation_id": "c", "protocol": "fipa-contract-net", "reply_with": "r1", "reply_by": "2026-01-01T00:00:00Z"}';
const pipe = (...stageLines: string[]) => lines('pipeline:', '  name: p', '  stages:', ...stageLines);

const CASES: Case[] = [
  // Syntax, and a broken file still gets its other diagnostics.
  {
    name: 'JSON syntax error at the missing colon',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender" "alice"', '"receiver": "bob"'),
    code: 'syntax-error',
    span: [2, 11, 2, 18],
    severity: E,
    says: "':' is expected",
  },
  {
    name: 'broken JSON still gets rule diagnostics',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender" "alice"', '"receiver": "bob"'),
    code: 'missing-conversation-id',
    span: [0, 0, 0, 1],
    severity: W,
  },
  {
    name: 'YAML syntax error',
    file: 'p.pipeline.yaml',
    text: lines('pipeline:', '  name: [p', '  stages: []'),
    code: 'syntax-error',
    span: [2, 2, 2, 3],
    severity: E,
    says: 'end with a ]',
  },
  {
    name: 'duplicate JSON key',
    file: 'm.fipa.json',
    text: msg(...base, '"sender": "carol"'),
    code: 'duplicate-key',
    span: [5, 2, 5, 10],
    severity: E,
    says: 'may appear once',
  },
  // Schema errors on the node a person points at.
  {
    name: 'unknown key -> the key, with did-you-mean',
    file: 'm.fipa.json',
    text: msg(...base, '"recever": "bob"'),
    code: 'unknown-key',
    span: [5, 2, 5, 11],
    severity: E,
    says: "did you mean 'receiver'",
  },
  {
    name: 'missing required -> `{`',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender": "alice"', '"conversation_id": "c1"'),
    code: 'missing-required',
    span: [0, 0, 0, 1],
    severity: E,
    says: "'receiver'",
  },
  {
    name: 'missing required -> the parent key (YAML)',
    file: 'p.pipeline.yaml',
    text: lines('pipeline:', '  stages:', '    - agent: a'),
    code: 'missing-required',
    span: [0, 0, 0, 8],
    severity: E,
    says: "'name'",
  },
  {
    name: 'bad enum -> the value, allowed values and did-you-mean',
    file: 'm.fipa.json',
    text: msg('"performative": "acept_proposal"', ...base.slice(1)),
    code: 'bad-enum',
    span: [1, 18, 1, 34],
    severity: E,
    says: "did you mean 'accept_proposal'? Allowed: accept_proposal, agree",
  },
  {
    name: 'hyphenated performative is information, not an enum error',
    file: 'm.fipa.json',
    text: msg('"performative": "accept-proposal"', ...base.slice(1)),
    code: 'hyphenated-performative',
    span: [1, 18, 1, 35],
    severity: I,
    says: "'accept_proposal'",
  },
  {
    name: 'wrong type -> the value',
    file: 'm.fipa.json',
    text: msg(...base, '"reply_with": 7'),
    code: 'wrong-type',
    span: [5, 16, 5, 17],
    severity: E,
    says: 'must be a string',
  },
  {
    name: 'receiver list item with a bad name -> that item',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender": "alice"', '"receiver": ["bob", "x y"]', '"conversation_id": "c1"'),
    code: 'bad-pattern',
    span: [3, 22, 3, 27],
    severity: E,
    says: 'agent name',
  },
  {
    name: 'receiver of the wrong form -> one error on the value',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender": "alice"', '"receiver": "a b"', '"conversation_id": "c1"'),
    code: 'invalid-value',
    span: [3, 14, 3, 19],
    severity: E,
    says: 'Who gets the message',
  },
  // Semantic rules on messages.
  {
    name: 'missing conversation_id',
    file: 'm.fipa.json',
    text: msg(...base.slice(0, 3)),
    code: 'missing-conversation-id',
    span: [0, 0, 0, 1],
    severity: W,
    says: 'Add "conversation_id"',
  },
  {
    name: 'request without reply_with',
    file: 'm.fipa.json',
    text: msg('"performative": "request"', ...base.slice(1)),
    code: 'missing-reply-with',
    span: [1, 18, 1, 27],
    severity: W,
    says: 'Add "reply_with"',
  },
  {
    name: 'cfp without reply_by',
    file: 'm.fipa.json',
    text: msg('"performative": "cfp"', ...base.slice(1), '"reply_with": "r"'),
    code: 'missing-reply-by',
    span: [1, 18, 1, 23],
    severity: W,
    says: 'forever',
  },
  {
    name: 'unparseable reply_by',
    file: 'm.fipa.json',
    text: msg(...base, '"reply_by": "tomorrow"'),
    code: 'bad-reply-by',
    span: [5, 14, 5, 24],
    severity: E,
    says: 'ISO 8601',
  },
  {
    name: 'content over the limit',
    file: 'm.fipa.json',
    text: msg(...base, '"content": "0123456789abcdefghij"'),
    maxContentBytes: 16,
    code: 'content-too-large',
    span: [5, 13, 5, 14],
    severity: W,
    says: 'reference',
  },
  {
    name: 'sender equal to receiver',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender": "alice"', '"receiver": "alice"', '"conversation_id": "c1"'),
    code: 'sender-is-receiver',
    span: [3, 14, 3, 21],
    severity: W,
  },
  {
    name: 'misspelled protocol',
    file: 'm.fipa.json',
    text: msg(...base, '"protocol": "fipa-auction-ducth"'),
    code: 'unknown-protocol',
    span: [5, 14, 5, 34],
    severity: W,
    says: "did you mean 'fipa-auction-dutch'",
  },
  {
    name: 'in_reply_to matching no earlier reply_with',
    file: 'c.fipa.json',
    text: convo(cnet, '{"performative": "propose", "sender": "w1", "receiver": "m", "conversation_id": "c", "in_reply_to": "r9"}'),
    code: 'unmatched-in-reply-to',
    span: [2, 100, 2, 104],
    severity: E,
    says: "'r9'",
  },
  {
    name: 'out-of-sequence accept_proposal',
    file: 'c.fipa.json',
    text: convo(
      cnet,
      '{"performative": "propose", "sender": "w1", "receiver": "m", "conversation_id": "c", "in_reply_to": "r1"}',
      '{"performative": "accept_proposal", "sender": "m", "receiver": "w2", "conversation_id": "c"}',
    ),
    code: 'out-of-sequence',
    span: [3, 17, 3, 34],
    severity: E,
    says: 'accept_proposal to w2, who was sent a cfp and never proposed; expected propose from w2',
  },
  {
    name: 'unknown receiver agent',
    file: 'm.fipa.json',
    agents: ['alice', 'bob'],
    text: msg('"performative": "inform"', '"sender": "alice"', '"receiver": "bobb"', '"conversation_id": "c1"'),
    code: 'unknown-agent',
    span: [3, 14, 3, 20],
    severity: W,
    says: "did you mean 'bob'",
  },
  // Pipelines.
  {
    name: 'unknown stage agent',
    file: 'p.pipeline.yaml',
    agents: ['alice'],
    text: pipe('    - agent: alise'),
    code: 'unknown-agent',
    span: [3, 13, 3, 18],
    severity: W,
    says: "did you mean 'alice'",
  },
  {
    name: 'duplicate stage names',
    file: 'p.pipeline.yaml',
    text: pipe('    - name: s', '      agent: a', '    - name: s', '      agent: b'),
    code: 'duplicate-stage-name',
    span: [5, 12, 5, 13],
    severity: E,
  },
  {
    name: 'stage with agent and parallel',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      parallel:', '        branches: [{agent: b}]'),
    code: 'one-of',
    span: [4, 6, 4, 14],
    severity: E,
    says: 'not both',
  },
  {
    name: 'half_open_max_calls without a threshold',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      circuit_breaker:', '        half_open_max_calls: 2'),
    code: 'breaker-without-threshold',
    span: [5, 8, 5, 27],
    severity: W,
    says: 'consecutive_failures',
  },
  {
    name: 'failure_rate without window',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      circuit_breaker:', '        failure_rate: 0.5'),
    code: 'failure-rate-without-window',
    span: [5, 8, 5, 20],
    severity: W,
  },
  {
    name: 'bad duration',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      timeout: 5 sec'),
    code: 'bad-pattern',
    span: [4, 15, 4, 20],
    severity: E,
    says: 'duration',
  },
  {
    name: 'retry max_delay below initial_delay',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      retry: {initial_delay: 5s, max_delay: 1s}'),
    code: 'retry-delays',
    span: [4, 44, 4, 46],
    severity: W,
  },
  {
    name: 'first_n without count',
    file: 'p.pipeline.yaml',
    text: pipe('    - parallel:', '        branches: [{agent: a}]', '        aggregate: first_n'),
    code: 'aggregate-needs-count',
    span: [5, 19, 5, 26],
    severity: E,
  },
  {
    name: 'count above branches',
    file: 'p.pipeline.yaml',
    text: pipe('    - parallel:', '        branches: [{agent: a}]', '        aggregate: quorum', '        count: 3'),
    code: 'count-exceeds-branches',
    span: [6, 15, 6, 16],
    severity: E,
  },
  {
    name: 'compensate without compensation steps',
    file: 'p.pipeline.yaml',
    text: lines('pipeline:', '  name: p', '  on_failure: compensate', '  stages:', '    - agent: a'),
    code: 'compensate-without-steps',
    span: [2, 14, 2, 24],
    severity: W,
  },
  {
    name: 'bad enum in YAML',
    file: 'p.pipeline.yaml',
    text: lines('pipeline:', '  name: p', '  on_failure: compensat', '  stages:', '    - agent: a'),
    code: 'bad-enum',
    span: [2, 14, 2, 23],
    severity: E,
    says: "did you mean 'compensate'",
  },
  // Manifests.
  {
    name: 'module path extension',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wsm'),
    code: 'bad-module-path',
    span: [1, 8, 1, 13],
    severity: E,
    says: '.wasm',
  },
  {
    name: 'TypeScript agent whose module is not .ts',
    file: 'a.agent.yaml',
    text: lines('name: a', 'language: typescript', 'module: a.js'),
    code: 'bad-module-path',
    span: [2, 8, 2, 12],
    severity: E,
    says: '.ts',
  },
  {
    name: 'a .js module without language: javascript',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.js'),
    code: 'bad-module-path',
    span: [1, 8, 1, 12],
    severity: E,
    says: '.wasm',
  },
  {
    name: 'absolute module path',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: /abs/a.wasm'),
    code: 'absolute-module-path',
    span: [1, 8, 1, 19],
    severity: W,
  },
  {
    name: 'subscriptions without the subscribe grant',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'subscriptions: [topic://x]'),
    code: 'missing-grant',
    span: [2, 0, 2, 13],
    severity: E,
    says: 'host_functions',
  },
  {
    name: 'misspelled grant',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'host_functions: [subscrib]'),
    code: 'bad-enum',
    span: [2, 17, 2, 25],
    severity: E,
    says: "did you mean 'subscribe'",
  },
  {
    name: 'memory not in wasm pages',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'limits:', '  memory: 100000'),
    code: 'memory-not-pages',
    span: [3, 10, 3, 16],
    severity: W,
  },
  {
    name: 'memory above 4 GiB',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'limits:', '  memory: 8GiB'),
    code: 'memory-too-large',
    span: [3, 10, 3, 14],
    severity: E,
  },
  {
    name: 'unknown limit key',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'limits:', '  fuel: 5000'),
    code: 'unknown-key',
    span: [3, 2, 3, 6],
    severity: E,
  },
  {
    name: 'duplicate agent name',
    file: 'other.agent.yaml',
    agents: ['alice'],
    text: lines('name: alice', 'module: a.wasm'),
    code: 'duplicate-agent',
    span: [0, 6, 0, 11],
    severity: E,
  },
  // More schema keywords and rules.
  {
    name: 'empty string',
    file: 'm.fipa.json',
    text: msg('"performative": "inform"', '"sender": "alice"', '"receiver": "bob"', '"conversation_id": ""'),
    code: 'empty-value',
    span: [4, 21, 4, 23],
    severity: E,
    says: 'must not be empty',
  },
  {
    name: 'number out of range',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      retry: {max_attempts: 0}'),
    code: 'out-of-range',
    span: [4, 28, 4, 29],
    severity: E,
    says: '>= 1',
  },
  {
    name: 'empty stage list',
    file: 'p.pipeline.yaml',
    text: lines('pipeline:', '  name: p', '  stages: []'),
    code: 'empty-list',
    span: [2, 10, 2, 12],
    severity: E,
  },
  {
    name: 'granted twice',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'host_functions: [subscribe, subscribe]'),
    code: 'duplicate-item',
    span: [2, 28, 2, 37],
    severity: E,
    says: 'items 1 and 2',
  },
  {
    name: 'stage with neither agent nor parallel',
    file: 'p.pipeline.yaml',
    text: pipe('    - name: x', '      action: y'),
    code: 'one-of',
    span: [3, 6, 3, 10],
    severity: E,
    says: "Add 'agent' or 'parallel'",
  },
  {
    name: 'blackboard_write without blackboard_read',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'host_functions: [blackboard_write]'),
    code: 'write-without-read',
    span: [2, 17, 2, 33],
    severity: I,
  },
  {
    name: 'module outside the folder',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: ../x.wasm'),
    code: 'module-outside-folder',
    span: [1, 8, 1, 17],
    severity: I,
  },
  {
    name: 'max_message_bytes above memory',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'limits: {memory: 65536, max_message_bytes: 100000}'),
    code: 'message-exceeds-memory',
    span: [2, 43, 2, 49],
    severity: W,
  },
  {
    name: 'min_calls without failure_rate',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      circuit_breaker: {consecutive_failures: 3, min_calls: 5}'),
    code: 'min-calls-without-rate',
    span: [4, 49, 4, 58],
    severity: W,
  },
  {
    name: 'max_attempts 1 with delays',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      retry: {max_attempts: 1, initial_delay: 1s}'),
    code: 'retry-never-retries',
    span: [4, 28, 4, 29],
    severity: I,
  },
  {
    name: 'deadline aggregate without deadline',
    file: 'p.pipeline.yaml',
    text: pipe('    - parallel:', '        branches: [{agent: a}]', '        aggregate: deadline'),
    code: 'aggregate-needs-deadline',
    span: [5, 19, 5, 27],
    severity: E,
  },
  {
    name: 'breaker defaults without threshold',
    file: 'p.pipeline.yaml',
    text: lines('pipeline:', '  name: p', '  defaults:', '    circuit_breaker: {reset_timeout: 5s}', '  stages: [{agent: a}]'),
    code: 'breaker-without-threshold',
    span: [3, 4, 3, 19],
    severity: W,
  },
  // Decided once for the editor and the runtime (docs/files.md).
  {
    name: 'a comment in JSON',
    file: 'm.fipa.json',
    text: msg(...base.slice(0, 2), '"receiver": "bob" // who acts', '"conversation_id": "c1"'),
    code: 'json-comment',
    span: [3, 20, 3, 32],
    severity: E,
    says: 'Comments are not allowed in JSON',
  },
  {
    name: 'duplicate YAML key',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'name: b'),
    code: 'duplicate-key',
    span: [2, 0, 2, 4],
    severity: E,
    says: "Duplicate key 'name'",
  },
  { name: 'an empty file', file: 'a.agent.yaml', text: '# nothing yet\n', code: 'empty-file', span: [0, 0, 0, 1], severity: E },
  {
    name: 'a stray message before the conversation starts',
    file: 'c.fipa.json',
    text: convo(
      '{"performative": "inform", "sender": "b", "receiver": "a", "conversation_id": "c", "protocol": "fipa-request"}',
      '{"performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c", "reply_with": "r"}',
    ),
    code: 'stray-message',
    span: [1, 17, 1, 25],
    severity: E,
    says: 'inform from b comes before any request opened this fipa-request conversation',
  },
  {
    name: 'a date that does not exist',
    file: 'm.fipa.json',
    text: msg(...base, '"reply_by": "2026-02-30T10:00:00Z"'),
    code: 'bad-reply-by',
    span: [5, 14, 5, 36],
    severity: E,
    says: 'does not exist',
  },
  {
    name: 'a deadline earlier than one set before it',
    file: 'c.fipa.json',
    text: convo(
      '{"performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c", "reply_with": "r", "reply_by": "2026-01-31T17:00:00Z"}',
      '{"performative": "agree", "sender": "b", "receiver": "a", "conversation_id": "c", "in_reply_to": "r", "reply_by": "2026-01-31T16:00:00Z"}',
    ),
    code: 'reply-by-order',
    span: [2, 114, 2, 136],
    severity: W,
    says: 'earlier than the deadline 2026-01-31T17:00:00Z set by message 1',
  },
  {
    name: 'a Dutch auction whose price rises',
    file: 'c.fipa.json',
    text: convo(
      '{"performative": "cfp", "sender": "s", "receiver": ["x"], "conversation_id": "c", "protocol": "fipa-dutch-auction", "reply_with": "r1", "reply_by": "2026-01-01T00:00:00Z", "content": {"price": 500}}',
      '{"performative": "cfp", "sender": "s", "receiver": ["x"], "conversation_id": "c", "reply_with": "r2", "reply_by": "2026-01-01T00:00:01Z", "content": {"price": 520}}',
    ),
    code: 'auction-price-direction',
    span: [2, 159, 2, 162],
    severity: W,
    says: "Dutch auction's price must fall",
  },
  {
    name: 'an English auction whose ask falls',
    file: 'c.fipa.json',
    text: convo(
      '{"performative": "cfp", "sender": "s", "receiver": ["x"], "conversation_id": "c", "protocol": "fipa-english-auction", "reply_with": "r1", "reply_by": "2026-01-01T00:00:00Z", "content": {"ask": 100}}',
      '{"performative": "cfp", "sender": "s", "receiver": ["x"], "conversation_id": "c", "reply_with": "r2", "reply_by": "2026-01-01T00:00:01Z", "content": {"ask": 90}}',
    ),
    code: 'auction-price-direction',
    span: [2, 157, 2, 159],
    severity: W,
    says: "An English auction's price must rise",
  },
  {
    name: 'a duration no timer can wait',
    file: 'p.pipeline.yaml',
    text: pipe('    - agent: a', '      timeout: 1000h'),
    code: 'duration-too-long',
    span: [4, 15, 4, 20],
    severity: E,
    says: '3,600,000,000 ms, longer than the longest timer (2,147,483,647 ms',
  },
  {
    name: 'a manifest timeout no timer can wait',
    file: 'a.agent.yaml',
    text: lines('name: a', 'module: a.wasm', 'limits:', '  timeout: 2147483648'),
    code: 'duration-too-long',
    span: [3, 11, 3, 21],
    severity: E,
  },
  {
    name: 'a Dutch auction pattern whose floor is above its start',
    file: 's.scenario.yaml',
    text: lines('scenario:', '  name: s', '  pattern: {kind: dutch_auction, start_price: 100, step: 10, floor: 200}'),
    code: 'auction-price-direction',
    span: [2, 68, 2, 71],
    severity: W,
  },
  // Hostile input.
  {
    name: '10,000-deep JSON',
    file: 'd.fipa.json',
    text: '['.repeat(10000) + ']'.repeat(10000),
    code: 'nesting-too-deep',
    span: [0, 400, 0, 401],
    severity: E,
  },
  {
    name: '10,000-deep YAML flow',
    file: 'd.pipeline.yaml',
    text: '['.repeat(10000) + ']'.repeat(10000),
    code: 'nesting-too-deep',
    span: [0, 400, 0, 401],
    severity: E,
  },
];

const fmt = (s: Span) => `${s[0]}:${s[1]}-${s[2]}:${s[3]}`;

describe('language service diagnostics (fixture table)', () => {
  for (const c of CASES) {
    it(`${c.code}: ${c.name}`, () => {
      const ls = service(c.agents, c.maxContentBytes ? { maxContentBytes: c.maxContentBytes } : undefined);
      const diags = ls.doValidation(doc(c.file, c.text));
      const same = diags.filter((d) => d.code === c.code);
      const all = diags
        .map((d) => `${String(d.code)} ${fmt([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character])}`)
        .join('; ');
      assert.equal(same.length, 1, `expected one ${c.code}, got: ${all}`);
      const d = same[0];
      assert.equal(
        fmt([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]),
        fmt(c.span),
        String(d.message),
      );
      assert.equal(d.severity, c.severity);
      assert.equal(d.source, 'caxton');
      if (c.says) assert.ok(String(d.message).includes(c.says), `message "${d.message}" should say "${c.says}"`);
    });
  }

  it('a stray inform before a valid request/agree/inform is one diagnostic, and the exchange after it is fine', () => {
    const text = convo(
      '{"performative": "inform", "sender": "b", "receiver": "a", "conversation_id": "c", "protocol": "fipa-request"}',
      '{"performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c", "protocol": "fipa-request", "reply_with": "r"}',
      '{"performative": "agree", "sender": "b", "receiver": "a", "conversation_id": "c", "protocol": "fipa-request", "in_reply_to": "r"}',
      '{"performative": "inform", "sender": "b", "receiver": "a", "conversation_id": "c", "protocol": "fipa-request", "in_reply_to": "r"}',
    );
    assert.deepEqual(
      service()
        .doValidation(doc('c.fipa.json', text))
        .map((d) => [d.code, d.range.start.line]),
      [['stray-message', 1]],
    );
  });
  it('two requests in one conversation are two instances: each answered in its own order', () => {
    const text = convo(
      '{"performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c", "protocol": "fipa-request", "reply_with": "r1"}',
      '{"performative": "request", "sender": "x", "receiver": "y", "conversation_id": "c", "protocol": "fipa-request", "reply_with": "r2"}',
      '{"performative": "inform", "sender": "y", "receiver": "x", "conversation_id": "c", "in_reply_to": "r2"}',
      '{"performative": "agree", "sender": "b", "receiver": "a", "conversation_id": "c", "in_reply_to": "r1"}',
      '{"performative": "inform", "sender": "b", "receiver": "a", "conversation_id": "c", "in_reply_to": "r1"}',
    );
    assert.deepEqual(
      service()
        .doValidation(doc('c.fipa.json', text))
        .map((d) => d.code),
      [],
    );
  });
  it('YAML aliases are read as their anchors (as the runtime reads them): no "must be an object" error', () => {
    const text = lines(
      'pipeline:',
      '  name: p',
      '  defaults:',
      '    retry: &retry3 {max_attempts: 3, initial_delay: 100ms}',
      '    timeout: &t 5s',
      '  stages:',
      '    - agent: a',
      '      retry: *retry3',
      '      timeout: *t',
    );
    assert.deepEqual(service().doValidation(doc('p.pipeline.yaml', text)), []);
    const wrong = lines('pipeline:', '  name: p', '  defaults: {timeout: &t 5 sec}', '  stages:', '    - agent: a', '      timeout: *t');
    assert.deepEqual(
      service()
        .doValidation(doc('p.pipeline.yaml', wrong))
        .map((d) => [d.code, d.range.start.line]),
      [['bad-pattern', 2]],
      'an error inside an anchor is reported once, where it is written',
    );
  });
  it('a breaker that inherits its threshold from defaults, and a deadline aggregate that uses the stage timeout, are fine', () => {
    const text = lines(
      'pipeline:',
      '  name: p',
      '  defaults:',
      '    circuit_breaker: {consecutive_failures: 3}',
      '  stages:',
      '    - agent: a',
      '      circuit_breaker: {half_open_max_calls: 2}',
      '    - name: g',
      '      timeout: 2s',
      '      parallel:',
      '        aggregate: deadline',
      '        branches: [{agent: a}, {agent: b}]',
    );
    assert.deepEqual(service().doValidation(doc('p.pipeline.yaml', text)), []);
  });
  it('a leap day is a real date; the day after one that does not exist is not', () => {
    assert.deepEqual(service().doValidation(doc('m.fipa.json', msg(...base, '"reply_by": "2024-02-29T12:00:00Z"'))), []);
    assert.deepEqual(
      service()
        .doValidation(doc('m.fipa.json', msg(...base, '"reply_by": "2025-02-29"')))
        .map((d) => d.code),
      ['bad-reply-by'],
    );
    assert.deepEqual(
      service().doValidation(doc('m.fipa.json', msg(...base, '"reply_by": "20260131T170000000Z"'))),
      [],
      "FIPA's own time format",
    );
  });
  it('a misspelled performative in a conversation is one error, not a cascade of out-of-sequence ones', () => {
    const text = convo(
      '{"performative": "requets", "sender": "a", "receiver": "b", "conversation_id": "c", "protocol": "fipa-request", "reply_with": "r"}',
      '{"performative": "agree", "sender": "b", "receiver": "a", "conversation_id": "c", "in_reply_to": "r"}',
      '{"performative": "inform", "sender": "b", "receiver": "a", "conversation_id": "c", "in_reply_to": "r"}',
    );
    assert.deepEqual(
      service()
        .doValidation(doc('c.fipa.json', text))
        .map((d) => d.code),
      ['bad-enum'],
    );
  });
  it('hyphenated performatives follow the protocol like their canonical spelling', () => {
    const text = convo(
      '{"performative": "cfp", "sender": "m", "receiver": "w", "conversation_id": "c", "protocol": "fipa-contract-net", "reply_with": "r", "reply_by": "2026-01-01T00:00:00Z"}',
      '{"performative": "propose", "sender": "w", "receiver": "m", "conversation_id": "c", "in_reply_to": "r"}',
      '{"performative": "accept-proposal", "sender": "m", "receiver": "w", "conversation_id": "c"}',
    );
    assert.deepEqual(
      service()
        .doValidation(doc('c.fipa.json', text))
        .map((d) => d.code),
      ['hyphenated-performative'],
    );
  });
  it('a hyphenated performative produces no enum error', () => {
    const diags = service().doValidation(doc('m.fipa.json', msg('"performative": "accept-proposal"', ...base.slice(1))));
    assert.deepEqual(
      diags.map((d) => d.code),
      ['hyphenated-performative'],
    );
  });
  it('a clean message and a clean contract net have no diagnostics', () => {
    assert.deepEqual(service(['alice', 'bob']).doValidation(doc('m.fipa.json', msg(...base))), []);
    const ok = convo(
      cnet,
      '{"performative": "propose", "sender": "w1", "receiver": "m", "conversation_id": "c", "in_reply_to": "r1"}',
      '{"performative": "refuse", "sender": "w2", "receiver": "m", "conversation_id": "c", "in_reply_to": "r1"}',
      '{"performative": "accept_proposal", "sender": "m", "receiver": "w1", "conversation_id": "c"}',
      '{"performative": "inform", "sender": "w1", "receiver": "m", "conversation_id": "c"}',
    );
    assert.deepEqual(
      service()
        .doValidation(doc('c.fipa.json', ok))
        .map((d) => d.code),
      [],
    );
  });
  it('a contract-net stage agent is chosen at run time, so it is not an unknown agent', () => {
    const diags = service(['alice']).doValidation(doc('p.pipeline.yaml', pipe('    - agent: "@contract-net:translate"')));
    assert.deepEqual(diags, []);
  });
  it('unknown agents are not flagged while no manifest is known', () => {
    const diags = service().doValidation(
      doc('m.fipa.json', msg('"performative": "inform"', '"sender": "alice"', '"receiver": "nobody"', '"conversation_id": "c1"')),
    );
    assert.deepEqual(diags, []);
  });
  it('recognises files by $schema when the name says nothing', () => {
    const text = msg(
      '"$schema": "https://caxton.dev/schemas/message.schema.json"',
      '"performative": "inform"',
      '"sender": "a"',
      '"receiver": "b"',
    );
    assert.deepEqual(
      service()
        .doValidation(doc('plain.json', text))
        .map((d) => d.code),
      ['missing-conversation-id'],
    );
    assert.deepEqual(service().doValidation(doc('other.json', '{"a": 1}')), []);
  });
});

describe('scenario files', () => {
  it('point into an inline message, not at the whole list item', () => {
    const text = lines('scenario:', '  name: s', '  messages:', '    - message: {performative: infrom, sender: a, receiver: b}');
    const diags = service().doValidation(doc('s.scenario.yaml', text));
    assert.deepEqual(
      diags.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]),
      [['bad-enum', 3, 30, 36]],
    );
    assert.match(String(diags[0].message), /did you mean 'inform'/);
  });
});
