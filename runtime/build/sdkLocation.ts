/** Where the agent SDKs live (AssemblyScript and JS), and the import paths agents use for them. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Agents write `import { ... } from "caxton"`; the builder serves that package from the SDK folder. */
export const SDK_IMPORT = 'caxton';
/** TypeScript/JavaScript agents write `import { ... } from "caxton-agent"`; the bundler serves it from the JS SDK. */
export const JS_SDK_IMPORT = 'caxton-agent';

const SDK_RELATIVE = path.join('runtime', 'sdk', 'assembly');
const JS_SDK_RELATIVE = path.join('runtime', 'sdk', 'js');

/** Walk up from `from` to the folder `relative` holding `entry`. */
function findUp(from: string, relative: string, entry: string, envVar: string): string {
  if (process.env[envVar]) return path.resolve(process.env[envVar]!);
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(path.join(candidate, entry))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`Caxton SDK not found above ${from}: expected ${relative}/${entry}; set ${envVar} to its folder`);
}

/**
 * The SDK folder: found by walking up from this file (works from the sources, tsc output in out-* and the
 * esbuild bundle in dist/), or from CAXTON_SDK_DIR.
 */
export function locateSdk(from: string = __dirname): string {
  return findUp(from, SDK_RELATIVE, 'index.ts', 'CAXTON_SDK_DIR');
}

/** The JS SDK folder (index.js + index.d.ts), found like locateSdk, or from CAXTON_JS_SDK_DIR. */
export function locateJsSdk(from: string = __dirname): string {
  return findUp(from, JS_SDK_RELATIVE, 'index.js', 'CAXTON_JS_SDK_DIR');
}
