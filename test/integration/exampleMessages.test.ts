/** The .fipa.json next to each request-style example is sent with `caxton send` (what the Send CodeLens does) and answered. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sendCommand } from '../../runtime/cli/commands/send';
import { examplesDir } from '../support/paths';

const EXAMPLES: Array<[string, string, RegExp]> = [
  ['calculator', 'add.fipa.json', /"result":30/],
  ['query', 'pending-orders.fipa.json', /"count":3/],
  ['bulkhead', 'quote.fipa.json', /"price":46/],
  ['fire-and-forget', 'reading.fipa.json', /sensor/],
];

describe('example message files (Send works at once)', () => {
  for (const [example, file, reply] of EXAMPLES) {
    it(`${example}/${file} is sent and answered`, async () => {
      const f = path.join(examplesDir, example, file);
      assert.ok(fs.existsSync(f), f);
      const out: string[] = [],
        err: string[] = [];
      const code = await sendCommand.run([f], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: process.cwd(), color: false });
      assert.equal(code, 0, [...out, ...err].join('\n'));
      assert.match(out.join('\n').replace(/\s+/g, ''), new RegExp(reply.source.replace(/\s+/g, '')));
    });
  }
});
