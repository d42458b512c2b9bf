/**
 * Offsets to 0-based line and UTF-16 character, exactly as LSP's TextDocument counts them (`\n`, `\r\n` and `\r`
 * end lines), so `caxton` prints file:line:col where the editor draws the squiggle.
 */
import type { LineRange } from './types';

export interface Position {
  line: number;
  character: number;
}

/** Line starts of a text, computed once; `positionAt` / `rangeOf` convert offsets. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 || c === 10) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** The position of an offset (clamped to the text). */
  positionAt(offset: number): Position {
    let at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0,
      high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid] > at) high = mid;
      else low = mid + 1;
    }
    const line = low - 1;
    const start = this.starts[line];
    while (at > start && isEol(this.text.charCodeAt(at - 1))) at--;
    return { line, character: at - start };
  }

  /** The range of two offsets. */
  rangeOf(start: number, end: number): LineRange {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

function isEol(c: number): boolean {
  return c === 13 || c === 10;
}
