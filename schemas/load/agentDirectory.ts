/** Workspace knowledge as data: which agents manifests declare, where names are used, topics seen. No I/O. */
import type { AgentDeclaration, AgentDirectory, AgentReference, FileIndex } from './types';

/**
 * Holds each file's contribution (see fileIndex.ts); the language server updates it as files are scanned, opened
 * and changed, the runtime fills it from the manifests it loads. Both hand it to the loaders as the AgentDirectory.
 */
export class WorkspaceIndex implements AgentDirectory {
  private readonly files = new Map<string, FileIndex>();
  /** Declarations by name and the sorted names, derived from `files` on first use after a change. */
  private byName: Map<string, AgentDeclaration[]> | undefined;
  private names: string[] | undefined;
  /** Bumped on every change, so cached analyses that depend on workspace knowledge are redone. */
  generation = 0;

  /** Replaces what a file contributes. */
  update(uri: string, index: FileIndex): void {
    const before = this.files.get(uri);
    this.files.set(uri, index);
    // A declaration's range may move without its name or start changing (quotes added): rebuild the lookup.
    if (before?.declarations.length || index.declarations.length) this.forgetDerived();
    // Only declarations change what other files' diagnostics say; references and topics do not.
    if (signature(before) !== signature(index)) this.generation++;
  }

  /** Forgets a file (deleted). */
  remove(uri: string): void {
    const before = this.files.get(uri);
    if (this.files.delete(uri) && before?.declarations.length) {
      this.forgetDerived();
      this.generation++;
    }
  }

  /** Every declared agent name, sorted. */
  agentNames(): string[] {
    this.names ??= [...this.declarationsByName().keys()].sort();
    return this.names;
  }

  /** Where an agent is declared (several manifests may claim a name). */
  findAgent(name: string): AgentDeclaration[] {
    return this.declarationsByName().get(name)?.slice() ?? [];
  }

  /** One pass over the files, kept until a declaration changes: the rules ask once per agent name in a file. */
  private declarationsByName(): Map<string, AgentDeclaration[]> {
    if (!this.byName) {
      this.byName = new Map();
      for (const f of this.files.values())
        for (const d of f.declarations) {
          const list = this.byName.get(d.name);
          if (list) list.push(d);
          else this.byName.set(d.name, [d]);
        }
    }
    return this.byName;
  }

  private forgetDerived(): void {
    this.byName = undefined;
    this.names = undefined;
  }

  /** Every use of an agent name across the workspace. */
  references(name: string): AgentReference[] {
    return [...this.files.values()].flatMap((f) => f.references.filter((r) => r.name === name));
  }

  /** Topics seen in manifests' subscriptions and messages' receivers. */
  topics(): string[] {
    return [...new Set([...this.files.values()].flatMap((f) => f.topics))].sort();
  }

  /** The files indexed. */
  uris(): string[] {
    return [...this.files.keys()];
  }

  /** How many files are indexed. */
  get size(): number {
    return this.files.size;
  }
}

function signature(index: FileIndex | undefined): string {
  return (index?.declarations ?? []).map((d) => `${d.name}@${d.range.start.line}:${d.range.start.character}`).join('|');
}
