/**
 * Text exports of what the inspector shows: a message as a `.fipa.json` file (ready for the Send CodeLens) and the
 * diagram's rows as a Mermaid `sequenceDiagram`. Pure: unit-tested in Node.
 */
import type { FipaMessage } from '../../../schemas/index';
import type { DiagramRow } from './rows';

/** A message as the text of a `.fipa.json` file: the message as sent, without the runtime's `message_id` (a resend with the same id would be taken for a duplicate). */
export function fipaJson(message: FipaMessage): string {
  const { message_id: _id, ...rest } = message as FipaMessage & { message_id?: string };
  return `${JSON.stringify(rest, null, 2)}\n`;
}

/** Text safe inside a Mermaid message or note: no line breaks, and `;` `#` `:` written as entity codes. */
export function mermaidText(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  const codes: Record<string, string> = { '#': '#35;', ';': '#59;', ':': '#58;', '<': '#lt;', '>': '#gt;' };
  return cut.replace(/[#;:<>]/g, (c) => codes[c]);
}

/**
 * The rows as a Mermaid sequenceDiagram: a participant per lane (ids P1..Pn, the real names as aliases, so names with
 * dashes or spaces cannot break the syntax), an arrow per message and receiver (`-x` when dropped, `-->>` for a reply),
 * a note per mark.
 */
export function mermaidSequence(rows: readonly DiagramRow[], lanes: readonly string[], title?: string): string {
  const ids = new Map<string, string>();
  const lines = ['sequenceDiagram'];
  if (title) lines.push(`  title ${mermaidText(title)}`);
  const id = (name: string) => {
    let v = ids.get(name);
    if (!v) {
      v = `P${ids.size + 1}`;
      ids.set(name, v);
      lines.push(`  participant ${v} as ${mermaidText(name, 60)}`);
    }
    return v;
  };
  for (const l of lanes) id(l);
  const body: string[] = [];
  for (const r of rows) {
    if (r.kind === 'message') {
      const text = mermaidText(
        `${r.performative}${r.message.content === undefined ? '' : ` ${typeof r.message.content === 'string' ? r.message.content : JSON.stringify(r.message.content)}`}`,
      );
      for (const to of r.to) {
        const arrow = r.status === 'dropped' ? '-x' : r.inReplyTo !== undefined ? '-->>' : '->>';
        body.push(`  ${id(r.from)}${arrow}${id(to)}: ${text}`);
      }
    } else if (r.agent !== undefined) {
      body.push(`  Note over ${id(r.agent)}: ${mermaidText(r.text)}`);
    } else if (ids.size > 0) {
      const all = [...ids.values()];
      body.push(`  Note over ${all[0]}${all.length > 1 ? `,${all[all.length - 1]}` : ''}: ${mermaidText(r.text)}`);
    }
  }
  return `${[...lines, ...body].join('\n')}\n`;
}
