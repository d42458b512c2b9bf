/** `caxton build [folder]`: compile every AssemblyScript agent of a workspace to wasm, bundle every TypeScript/JS agent. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWorkspace } from '../../build';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';

export const buildCommand: Command = {
  name: 'build',
  summary: 'compile the AssemblyScript agents of a folder to wasm, bundle its TypeScript/JavaScript agents',
  help: `Usage: caxton build [folder] [--force]

Compiles every agent whose *.agent.yaml names a .ts module (AssemblyScript) to <manifest folder>/build/<name>.wasm,
and bundles every agent with \`language: typescript | javascript\` (run in QuickJS) to <manifest folder>/build/<name>.js.
An agent whose output is up to date (same sources, imported files, SDK, compiler and options; recorded in
build/<name>.wasm.json or build/<name>.js.json) is skipped. Default folder: the current one.

Options:
  --force      rebuild every agent, up to date or not
  -h, --help   this help

Exit code: 0 when every agent builds, 1 on compile errors, 2 for bad input.`,
  async run(argv, io) {
    const args = parseArgs(argv, { booleans: ['force'] }, 'build');
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length > 1) throw new UsageError('caxton build: give at most one folder');
    const folder = path.resolve(io.cwd, args.positionals[0] ?? '.');
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
      throw new UsageError(`caxton build: ${args.positionals[0]} is not a folder; give the folder that holds *.agent.yaml manifests`);
    const result = await buildWorkspace(folder, { force: args.flags.force === true });
    if (!result.agents.length) {
      io.out(`no AssemblyScript, TypeScript or JavaScript agents under ${path.relative(io.cwd, folder) || '.'}`);
      return 0;
    }
    for (const a of result.agents) {
      const shown = (p: string): string => path.relative(io.cwd, p) || p;
      if (a.ok)
        io.out(`${a.status === 'up to date' ? 'up to date' : 'built'} ${a.name} -> ${shown(a.outWasm)} (${formatMs(a.durationMs ?? 0)})`);
      else for (const d of a.diagnostics) io.err(d.text);
    }
    const failed = result.agents.filter((a) => !a.ok).length;
    const fresh = result.agents.filter((a) => a.ok && a.status === 'up to date').length;
    io.out(
      failed ? `${failed} of ${result.agents.length} agents failed to build` : `${result.agents.length} agents built (${fresh} up to date)`,
    );
    return failed ? 1 : 0;
  },
};

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
