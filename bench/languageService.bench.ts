/**
 * Time to diagnostics: the Caxton language service (schema + FIPA rules + protocol order) versus
 * vscode-json-languageservice validating the same text against the same schema (message.schema.json).
 * Prints medians and the ratio; never fails.
 */
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService as getJsonService } from 'vscode-json-languageservice';
import { messageSchema } from '../schemas';
import { getLanguageService } from '../server/service/languageService';

const RUNS = 21;
const WARMUP = 5;

/** A fipa-request conversation of `n` messages (request, agree, inform per exchange). */
function conversation(n: number): string {
  const out: object[] = [];
  for (let i = 0; out.length < n; i++) {
    const c = `conv-${Math.floor(i / 20)}`;
    const worker = `worker-${i % 20}`;
    out.push({
      performative: 'request',
      sender: 'manager',
      receiver: worker,
      conversation_id: c,
      protocol: 'fipa-request',
      reply_with: `r${i}`,
      content: { action: 'sum', args: [i, i + 1] },
    });
    out.push({
      performative: 'agree',
      sender: worker,
      receiver: 'manager',
      conversation_id: c,
      protocol: 'fipa-request',
      in_reply_to: `r${i}`,
    });
    out.push({
      performative: 'inform',
      sender: worker,
      receiver: 'manager',
      conversation_id: c,
      protocol: 'fipa-request',
      in_reply_to: `r${i}`,
      content: { result: 2 * i + 1 },
    });
  }
  return JSON.stringify(out.slice(0, n), null, 2);
}

/** One message of about 1 MiB, almost all of it content (JSON records). */
function bigMessage(): string {
  const rows: object[] = [];
  const render = () =>
    JSON.stringify(
      { performative: 'inform', sender: 'warehouse', receiver: 'planner', conversation_id: 'stock-1', content: { rows } },
      null,
      2,
    );
  for (let i = 0; ; i++) {
    rows.push({ id: i, sku: `SKU-${i}`, qty: i % 7, price: (i * 1.37).toFixed(2), tags: ['a', 'b'] });
    if (i % 500 === 0 && render().length >= 1024 * 1024) return render();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function time(f: (i: number) => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    await f(i);
    const dt = performance.now() - t0;
    if (i >= WARMUP) samples.push(dt);
  }
  return median(samples);
}

/** Runs both services on both inputs and prints medians (ms) and the ratio caxton / vscode-json-languageservice. */
export async function run(): Promise<void> {
  const caxton = getLanguageService({ settings: { maxContentBytes: 16 * 1024 * 1024 } });
  const json = getJsonService({});
  json.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: messageSchema.$id, fileMatch: ['*.fipa.json'], schema: messageSchema as never }],
  });
  const convo = conversation(1000);
  // Every 10th request misspelled: both services must report and place 34 enum errors.
  let n = 0;
  const broken = convo.replace(/"performative": "request"/g, (m) => (n++ % 10 === 0 ? '"performative": "requets"' : m));
  const inputs: Array<[string, string]> = [
    ['1,000-message conversation', convo],
    ['same, 34 misspelled requests', broken],
    ['1 MB message', bigMessage()],
  ];
  console.log(`median of ${RUNS} runs after ${WARMUP} warm-ups; time from text to diagnostics (parse + validate)`);
  console.log('input                          size      caxton     json-ls    caxton/json-ls  diagnostics (caxton / json-ls)');
  for (const [name, text] of inputs) {
    const uri = 'file:///bench/input.fipa.json';
    let ours = 0,
      theirs = 0;
    const tc = await time((i) => {
      ours = caxton.doValidation(TextDocument.create(uri, 'json', i + 1, text)).length;
    });
    const tj = await time(async (i) => {
      const d = TextDocument.create(uri, 'json', i + 1, text);
      theirs = (await json.doValidation(d, json.parseJSONDocument(d))).length;
    });
    console.log(
      `${name.padEnd(30)} ${`${(text.length / 1024).toFixed(0)} KB`.padEnd(9)} ${`${tc.toFixed(1)} ms`.padEnd(10)} ${`${tj.toFixed(1)} ms`.padEnd(10)} ${(tc / tj).toFixed(2).padEnd(15)} ${ours} / ${theirs}`,
    );
  }
}
