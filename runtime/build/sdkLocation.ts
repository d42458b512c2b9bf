/** Where the AssemblyScript SDK lives, and the import path agents use for it. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Agents write `import { ... } from "caxton"`; the builder serves that package from the SDK folder. */
export const SDK_IMPORT = 'caxton';

const SDK_RELATIVE = path.join('runtime', 'sdk', 'assembly');

/**
 * The SDK folder: found by walking up from this file (works from the sources, tsc output in out-* and the
 * esbuild bundle in dist/), or from CAXTON_SDK_DIR.
 */
export function locateSdk(from: string = __dirname): string {
  if (process.env.CAXTON_SDK_DIR) return path.resolve(process.env.CAXTON_SDK_DIR);
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, SDK_RELATIVE);
    if (fs.existsSync(path.join(candidate, 'index.ts'))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`Caxton SDK not found above ${from}: expected ${SDK_RELATIVE}/index.ts; set CAXTON_SDK_DIR to its folder`);
}
