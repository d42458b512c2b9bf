/**
 * Where a message was written: the messages of a scenario, then of its folder's other *.scenario.yaml and *.fipa.json
 * files (a few levels deep, at most 500 files), matched with schemas/load/messageSource (as Reveal source does). A
 * stack frame opens its message there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FipaMessage } from '../../../schemas';
import { LineIndex } from '../../../schemas/load/lineIndex';
import { messagesInFile, sameMessage, type SourceMessage } from '../../../schemas/load/messageSource';

const MAX_FILES = 500;
const MAX_DEPTH = 4;

/** The messages of a scenario's folder, with their 1-based lines. */
export class SourceIndex {
  private sources: Array<{ file: string; messages: Array<SourceMessage & { line: number }> }> = [];

  /** Index `scenario` first, then the rest of its folder. */
  index(scenario: string): void {
    this.sources = [];
    const files: string[] = [scenario];
    const walk = (dir: string, depth: number) => {
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (files.length >= MAX_FILES) return;
        const full = path.join(dir, e.name);
        if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith('.') && e.name !== 'node_modules') walk(full, depth + 1);
        else if (e.isFile() && /\.(scenario\.ya?ml|fipa\.json)$/.test(e.name) && full !== scenario) files.push(full);
      }
    };
    walk(path.dirname(scenario), 0);
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const lines = new LineIndex(text);
      this.sources.push({ file, messages: messagesInFile(file, text).map((m) => ({ ...m, line: lines.positionAt(m.offset).line + 1 })) });
    }
  }

  /** The file and line where `message` was written, if it was. */
  find(message: FipaMessage): { file: string; line: number } | undefined {
    for (const s of this.sources) for (const m of s.messages) if (sameMessage(m.message, message)) return { file: s.file, line: m.line };
    return undefined;
  }
}
