const { TextDocument } = require('vscode-languageserver-textdocument');
const A = require('./.bench-base/out/server/service/languageService').getLanguageService({ settings: { maxContentBytes: 16 * 1024 * 1024 } });
const B = require('./out/server/service/languageService').getLanguageService({ settings: { maxContentBytes: 16 * 1024 * 1024 } });
function conversation(n) { const out = []; for (let i = 0; out.length < n; i++) { const c = `conv-${Math.floor(i / 20)}`, w = `worker-${i % 20}`;
  out.push({ performative: 'request', sender: 'manager', receiver: w, conversation_id: c, protocol: 'fipa-request', reply_with: `r${i}`, content: { action: 'sum', args: [i, i + 1] } });
  out.push({ performative: 'agree', sender: w, receiver: 'manager', conversation_id: c, protocol: 'fipa-request', in_reply_to: `r${i}` });
  out.push({ performative: 'inform', sender: w, receiver: 'manager', conversation_id: c, protocol: 'fipa-request', in_reply_to: `r${i}`, content: { result: 2 * i + 1 } }); }
  return JSON.stringify(out.slice(0, n), null, 2); }
function big() { const rows = []; const r = () => JSON.stringify({ performative: 'inform', sender: 'warehouse', receiver: 'planner', conversation_id: 'stock-1', content: { rows } }, null, 2);
  for (let i = 0; ; i++) { rows.push({ id: i, sku: `SKU-${i}`, qty: i % 7, price: (i * 1.37).toFixed(2), tags: ['a', 'b'] }); if (i % 500 === 0 && r().length >= 1024 * 1024) return r(); } }
const convo = conversation(1000); let n = 0;
const broken = convo.replace(/"performative": "request"/g, (m) => (n++ % 10 === 0 ? '"performative": "requets"' : m));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
for (const [name, text] of [['1,000-message conversation', convo], ['same, 34 misspelled', broken], ['1 MB message', big()]]) {
  const ta = [], tb = []; let da = 0, db = 0;
  for (let i = 0; i < 160; i++) {
    for (const [svc, t, set] of (i % 2 ? [[A, ta, (x) => da = x], [B, tb, (x) => db = x]] : [[B, tb, (x) => db = x], [A, ta, (x) => da = x]])) {
      const d = TextDocument.create('file:///b/input.fipa.json', 'json', i + 1, text); const t0 = performance.now(); set(svc.doValidation(d).length); t.push(performance.now() - t0);
    }
  }
  console.log(`${name.padEnd(28)} before ${med(ta.slice(10)).toFixed(1)} ms  after ${med(tb.slice(10)).toFixed(1)} ms  ratio ${(med(tb.slice(10)) / med(ta.slice(10))).toFixed(2)}  diags ${da}/${db}`);
}
