/** References to other files (a scenario's messages, pipeline and manifests; a manifest's module), through the injected lookup. */
import type { DocNode } from '../docTree';
import { didYouMean } from '../spelling';
import type { FileKind, Problem } from '../types';
import type { RuleContext } from './ruleContext';

/**
 * Flags a file reference that does not resolve to a readable file: missing (with did-you-mean and a quick fix),
 * outside its folder, not a regular file, or too large. Without an injected lookup nothing is checked.
 */
export function checkFileRef(
  node: DocNode,
  ctx: RuleContext,
  out: Problem[],
  what: string,
  kind: FileKind | 'module',
  within: 'folder' | 'workspace',
): void {
  if (!ctx.files || node.type !== 'string' || !String(node.value)) return;
  const ref = String(node.value);
  const found = ctx.files.resolve(ctx.uri, ref, kind, within);
  if (found.status === 'file') return;
  if (found.status === 'refused') {
    out.push({
      start: node.start,
      end: node.end,
      severity: 'error',
      code: 'refused-file',
      message: `${what} '${ref}' cannot be used: ${found.reason}.`,
    });
    return;
  }
  const guess = didYouMean(ref, found.candidates);
  out.push({
    start: node.start,
    end: node.end,
    severity: 'error',
    code: 'missing-file',
    message: `${what} '${ref}' does not exist${
      guess
        ? `: did you mean '${guess}'?`
        : found.candidates.length
          ? ` (there is ${found.candidates
              .slice(0, 5)
              .map((c) => `'${c}'`)
              .join(', ')}${found.candidates.length > 5 ? ', ...' : ''}); fix the path, relative to this file.`
          : '; fix the path, relative to this file.'
    }`,
    fixes: guess
      ? [
          {
            title: `Change '${ref}' to '${guess}'`,
            edits: [{ start: node.start, end: node.end, newText: ctx.quote(guess) }],
            preferred: true,
          },
        ]
      : [],
  });
}
