/**
 * Text from agents (logs, message contents, ids, echoed bad JSON) must never drive the terminal: no clear screen,
 * window title, OSC 52 clipboard write, cursor moves, carriage-return overwrites or bidi reordering. Everything the
 * CLI prints goes through here. C0 controls become their visible Control Pictures (ESC -> ␛, LF -> ␊), and C1
 * controls, bidi and invisible format characters, line separators and lone surrogates become `<U+XXXX>`.
 */

// C0 (except in printableLines: LF and TAB) and DEL.
const C0 = /[\u0000-\u001f\u007f]/g;
// C1 controls (0x9b is a one-byte CSI), bidi embeddings/overrides/isolates and marks, zero-width and other format
// characters that hide or reorder text, line/paragraph separators, BOM, and unpaired surrogates.
const OTHER =
  /[\u0080-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Our own colour codes (SGR: ESC [ digits ; m), the only escape sequence the CLI emits itself.
const SGR = /\u001b\[[0-9;]*m/y;

function picture(c: string): string {
  const code = c.charCodeAt(0);
  return code === 0x7f ? '\u2421' : String.fromCharCode(0x2400 + code);
}

function codePoint(c: string): string {
  return `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`;
}

// Any character C0 or OTHER could match (every surrogate, paired or not): a string without one is printable as it is.
const MAYBE_UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]/;

/** `text` with every control and format character made visible: safe to print anywhere on a line. */
export function printable(text: string): string {
  if (!MAYBE_UNSAFE.test(text)) return text;
  return text.replace(C0, picture).replace(OTHER, codePoint);
}

/**
 * Every string inside `value` (keys too) made printable; other values kept. For formatting untrusted records; the
 * fields named in `skip` are kept as they are (a caller that prints them makes its output printable itself).
 * Copies only what changes: the transcript runs this on every trace event, and nearly all are printable already.
 */
export function printableDeep<T>(value: T, skip?: ReadonlySet<string>): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = printableDeep(value[i] as unknown, skip);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return (out ?? value) as T;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    let changed = false;
    for (const entry of entries) {
      const [k, v] = entry;
      const key = printable(k);
      const shown = skip?.has(k) ? v : printableDeep(v, skip);
      if (key !== k || shown !== v) {
        changed = true;
        entry[0] = key;
        entry[1] = shown;
      }
    }
    return changed ? (Object.fromEntries(entries) as T) : value;
  }
  return value;
}

/**
 * The last fence before stdout/stderr: keeps line breaks, tabs and the CLI's own SGR colour codes, makes every
 * other control character visible. Agent text should already be printable() where it was formatted.
 */
export function terminalLine(line: string): string {
  if (!MAYBE_UNSAFE.test(line)) return line;
  let out = '';
  let i = 0;
  while (i < line.length) {
    const esc = line.indexOf('\u001b', i);
    const end = esc < 0 ? line.length : esc;
    out += line
      .slice(i, end)
      .replace(C0, (c) => (c === '\n' || c === '\t' ? c : picture(c)))
      .replace(OTHER, codePoint);
    if (esc < 0) break;
    SGR.lastIndex = esc;
    const m = SGR.exec(line);
    if (m) {
      out += m[0];
      i = esc + m[0].length;
    } else {
      out += picture('\u001b');
      i = esc + 1;
    }
  }
  return out;
}
