/**
 * `replicas: N` in a manifest: N workspace entries named `<name>-0` .. `<name>-(N-1)`, sharing the manifest and its
 * module (built and prepared once), each with its own name, memory and seed. A replica name that another manifest
 * also declares is refused, naming both.
 */
import type { AgentManifest } from '../../../schemas';

/** What expansion needs of a workspace entry (workspace.ts's AgentEntry; kept structural: workspace.ts imports this). */
interface Entry {
  file: string;
  manifest: AgentManifest;
  replicaOf?: string;
}
interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  severity?: 'error';
  code?: string;
}

/** The entries of a workspace with every replicated manifest expanded (others kept as they are). */
export function expandReplicas<E extends Entry>(entries: readonly E[], problems: { push(p: Problem): unknown }): E[] {
  const declared = new Map(entries.map((e) => [e.manifest.name, e.file] as const));
  const out: E[] = [];
  for (const entry of entries) {
    const n = entry.manifest.replicas ?? 1;
    if (n <= 1) {
      out.push(entry);
      continue;
    }
    const base = entry.manifest.name;
    for (let i = 0; i < n; i++) {
      const name = `${base}-${i}`;
      const other = declared.get(name);
      if (other !== undefined) {
        problems.push({
          file: entry.file,
          line: 1,
          column: 1,
          severity: 'error',
          code: 'duplicate-agent',
          message: `replica '${name}' of '${base}' (replicas: ${n}) has the name of the agent declared in ${other}; rename one`,
        });
        break;
      }
      out.push({ ...entry, manifest: { ...entry.manifest, name }, replicaOf: base });
    }
  }
  return out;
}
