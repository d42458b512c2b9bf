/** A small argv parser: positionals, `--flag value`, `--flag=value`, boolean flags; unknown flags are refused. */
import { UsageError } from './command';

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

/** Parse `argv` for a command that takes the given value flags (`-o` style short aliases via `aliases`). */
export function parseArgs(
  argv: readonly string[],
  spec: { values?: string[]; booleans?: string[]; aliases?: Record<string, string> },
  command: string,
): ParsedArgs {
  const values = new Set(spec.values ?? []);
  const booleans = new Set([...(spec.booleans ?? []), 'help']);
  const out: ParsedArgs = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    let name = a.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (a === '-h') name = 'help';
    name = spec.aliases?.[name] ?? name;
    if (booleans.has(name)) {
      if (value !== undefined) throw new UsageError(`caxton ${command}: --${name} takes no value`);
      out.flags[name] = true;
    } else if (values.has(name)) {
      value ??= argv[++i];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`caxton ${command}: --${name} needs a value; see caxton ${command} --help`);
      out.flags[name] = value;
    } else {
      throw new UsageError(`caxton ${command}: unknown option ${a}; see caxton ${command} --help`);
    }
  }
  return out;
}

/** A string flag's value, if given. */
export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}
