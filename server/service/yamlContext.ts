/**
 * Where the cursor is in a YAML file being typed, judged from indentation alone (a half-typed line often does
 * not parse): the path of keys and item indexes to the enclosing mapping, and whether a key or a value is typed.
 */

export interface YamlCursor {
  /** Path of the mapping (or sequence) that holds the cursor. */
  path: Array<string | number>;
  /** The key before `:` on the cursor's line, when the cursor is in its value. */
  key?: string;
  /** Offsets of the text to replace when a completion is accepted. */
  replaceStart: number;
  replaceEnd: number;
}

interface LineInfo {
  indent: number;
  dashLen: number;
  key?: string;
  restStart: number;
  blank: boolean;
}

function lineInfo(line: string): LineInfo {
  // `[^]*`, not `.*`: a line may hold CR, NEL, LS or PS, which `.` does not match.
  const m = /^( *)((?:- +)*)([^]*)$/.exec(line) as RegExpExecArray;
  const rest = m[3];
  const km = /^("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(\s|$)/.exec(rest);
  const key = km ? km[1].replace(/^["']|["']$/g, '') : undefined;
  return {
    indent: m[1].length,
    dashLen: m[2].length,
    key,
    restStart: m[1].length + m[2].length,
    blank: rest.trim() === '' || rest.trimStart().startsWith('#'),
  };
}

/** The YAML cursor context at an offset (scans at most a few thousand lines upward). */
export function yamlCursor(text: string, offset: number): YamlCursor {
  // lastIndexOf with a negative start still finds a '\n' at 0: guard offset 0.
  const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  const prefix = text.slice(lineStart, offset);
  const cur = lineInfo(prefix);
  const path: Array<string | number> = [];
  let col = cur.indent + cur.dashLen;
  let pending = false;
  if (cur.dashLen) {
    path.unshift(0);
    col = cur.indent;
    pending = true;
  }
  let pos = lineStart - 1;
  for (let scanned = 0; pos > 0 && scanned < 5000 && (col > 0 || pending); scanned++) {
    const start = text.lastIndexOf('\n', pos - 1) + 1;
    const info = lineInfo(text.slice(start, pos).replace(/\r$/, ''));
    pos = start - 1;
    if (info.blank && !info.dashLen) continue;
    const c = info.indent + info.dashLen;
    if (pending) {
      if (info.key && (c < col || (c === col && !info.dashLen))) {
        path.unshift(info.key);
        col = c;
        pending = false;
        if (info.dashLen) {
          path.unshift(0);
          col = info.indent;
          pending = true;
        }
      }
      continue;
    }
    if (info.dashLen && c === col) {
      path.unshift(0);
      col = info.indent;
      pending = true;
      continue;
    }
    if (c < col && info.key) {
      path.unshift(info.key);
      col = c;
      if (info.dashLen) {
        path.unshift(0);
        col = info.indent;
        pending = true;
      }
    }
  }
  if (cur.key !== undefined) {
    const colon = prefix.indexOf(':', cur.restStart);
    let vs = lineStart + colon + 1;
    while (vs < offset && text[vs] === ' ') vs++;
    return { path, key: cur.key, replaceStart: vs, replaceEnd: Math.max(offset, trimEnd(text, vs, lineEnd)) };
  }
  const rs = lineStart + Math.min(cur.restStart, prefix.length);
  return { path, replaceStart: rs, replaceEnd: Math.max(offset, trimEnd(text, rs, lineEnd)) };
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}
