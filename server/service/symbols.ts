/** Document symbols: conversations (conversation_id -> messages), pipelines (stages), manifests, scenarios. */
import { child, str, type DocNode, type LoadedFile as Analysis } from '../../schemas/load';

export interface OffsetSymbol {
  name: string;
  detail?: string;
  kind: 'conversation' | 'message' | 'pipeline' | 'stage' | 'branch' | 'agent' | 'field' | 'scenario';
  start: number;
  end: number;
  selStart: number;
  selEnd: number;
  children: OffsetSymbol[];
}

/** The outline of a document, in offsets. */
export function documentSymbols(a: Analysis): OffsetSymbol[] {
  const root = a.parsed?.root;
  if (!root || !a.kind) return [];
  if (a.kind === 'message') return conversations(root);
  if (a.kind === 'pipeline') return pipeline(root);
  if (a.kind === 'agent') {
    const name = child(root, 'name');
    const fields = (root.properties ?? []).map((p): OffsetSymbol => ({
      name: p.key,
      kind: 'field',
      start: p.keyStart,
      end: Math.max(p.keyEnd, p.value?.end ?? 0),
      selStart: p.keyStart,
      selEnd: p.keyEnd,
      children: [],
    }));
    return [
      {
        name: name?.type === 'string' ? String(name.value) : 'agent',
        detail: str(root, 'module'),
        kind: 'agent',
        start: root.start,
        end: root.end,
        selStart: name?.start ?? root.start,
        selEnd: name?.end ?? root.start,
        children: fields,
      },
    ];
  }
  const scenario = child(root, 'scenario');
  const name = child(scenario, 'name');
  return scenario
    ? [
        {
          name: name?.type === 'string' ? String(name.value) : 'scenario',
          kind: 'scenario',
          start: root.start,
          end: root.end,
          selStart: name?.start ?? scenario.start,
          selEnd: name?.end ?? scenario.start,
          children: [],
        },
      ]
    : [];
}

function messageSymbol(m: DocNode, index: number): OffsetSymbol {
  const performative = str(m, 'performative') ?? '?';
  const receiver = child(m, 'receiver');
  const to =
    receiver?.type === 'array' ? (receiver.items ?? []).map((r) => String(r.value)).join(', ') : receiver ? String(receiver.value) : '?';
  const perf = child(m, 'performative');
  return {
    name: `${performative} ${str(m, 'sender') ?? '?'} → ${to}`,
    detail: `#${index + 1}`,
    kind: 'message',
    start: m.start,
    end: m.end,
    selStart: perf?.start ?? m.start,
    selEnd: perf?.end ?? m.start + 1,
    children: [],
  };
}

function conversations(root: DocNode): OffsetSymbol[] {
  const messages = root.type === 'array' ? (root.items ?? []) : [root];
  const groups = new Map<string, OffsetSymbol>();
  const out: OffsetSymbol[] = [];
  messages.forEach((m, i) => {
    if (m.type !== 'object') return;
    const idNode = child(m, 'conversation_id');
    const id = idNode?.type === 'string' ? String(idNode.value) : '(no conversation_id)';
    let g = groups.get(id);
    if (!g) {
      g = {
        name: id,
        kind: 'conversation',
        start: m.start,
        end: m.end,
        selStart: idNode?.start ?? m.start,
        selEnd: idNode?.end ?? m.start + 1,
        children: [],
      };
      groups.set(id, g);
      out.push(g);
    }
    g.start = Math.min(g.start, m.start);
    g.end = Math.max(g.end, m.end);
    g.children.push(messageSymbol(m, i));
  });
  for (const g of out) g.detail = `${g.children.length} message${g.children.length === 1 ? '' : 's'}`;
  return out;
}

function pipeline(root: DocNode): OffsetSymbol[] {
  const p = child(root, 'pipeline');
  if (!p) return [];
  const name = child(p, 'name');
  const stages = (child(p, 'stages')?.items ?? [])
    .filter((s) => s.type === 'object')
    .map((s, i): OffsetSymbol => {
      const label = str(s, 'name') ?? str(s, 'agent') ?? (child(s, 'parallel') ? 'parallel' : `stage ${i + 1}`);
      const sel = child(s, 'name') ?? child(s, 'agent') ?? s;
      const branches = (child(child(s, 'parallel'), 'branches')?.items ?? []).map((b): OffsetSymbol => {
        const agent = child(b, 'agent');
        return {
          name: str(b, 'agent') ?? 'branch',
          detail: str(b, 'action'),
          kind: 'branch',
          start: b.start,
          end: b.end,
          selStart: agent?.start ?? b.start,
          selEnd: agent?.end ?? b.start,
          children: [],
        };
      });
      return {
        name: label,
        detail: str(s, 'action') ?? (branches.length ? `${branches.length} branches` : undefined),
        kind: 'stage',
        start: s.start,
        end: s.end,
        selStart: sel.start,
        selEnd: sel.end,
        children: branches,
      };
    });
  return [
    {
      name: name?.type === 'string' ? String(name.value) : 'pipeline',
      kind: 'pipeline',
      start: p.start,
      end: p.end,
      selStart: name?.start ?? p.start,
      selEnd: name?.end ?? p.start,
      children: stages,
    },
  ];
}
