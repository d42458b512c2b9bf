/**
 * `replicas: N` in a manifest: N workspace entries named `<name>-0` .. `<name>-(N-1)`, sharing the manifest and its
 * module (built and prepared once), each with its own name, memory and seed. A replica name that another manifest
 * also declares is refused, naming both.
 */
import type { AgentEntry, WorkspaceProblem } from './workspace';

/** The entries of a workspace with every replicated manifest expanded (others kept as they are). */
export function expandReplicas(entries: readonly AgentEntry[], problems: WorkspaceProblem[]): AgentEntry[] {
  const declared = new Map(entries.map((e) => [e.manifest.name, e.file] as const));
  const out: AgentEntry[] = [];
  for (const entry of entries) {
    const n = entry.manifest.replicas ?? 1;
    if (n <= 1) { out.push(entry); continue; }
    const base = entry.manifest.name;
    for (let i = 0; i < n; i++) {
      const name = `${base}-${i}`;
      const other = declared.get(name);
      if (other !== undefined) {
        problems.push({ file: entry.file, line: 1, column: 1, severity: 'error', code: 'duplicate-agent', message: `replica '${name}' of '${base}' (replicas: ${n}) has the name of the agent declared in ${other}; rename one` });
        break;
      }
      out.push({ ...entry, manifest: { ...entry.manifest, name }, replicaOf: base });
    }
  }
  return out;
}
