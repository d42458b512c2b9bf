/**
 * Where the NATS server is and how to authenticate (pure: the URL, a creds file path and the environment in, a plan
 * out). Secrets (password, token, the creds file's content) never appear in `display` nor in any error sentence.
 *
 * Sources, first found wins: the URL given (`--nats nats://user:pass@host:4222`, or `nats://token@host`), else
 * CAXTON_NATS_URL; credentials in the URL, else CAXTON_NATS_USER + CAXTON_NATS_PASSWORD, CAXTON_NATS_TOKEN, or a creds
 * file (`--nats-creds`, else CAXTON_NATS_CREDS).
 */

/** How to authenticate. */
export type NatsAuth =
  { kind: 'none' } | { kind: 'user'; user: string; password: string } | { kind: 'token'; token: string } | { kind: 'creds'; file: string };

/** The servers to dial (without credentials), a printable name for them, and the credentials. */
export interface NatsEndpoint {
  servers: string[];
  display: string;
  auth: NatsAuth;
}

/** The environment variables read (CAXTON_NATS_*). */
export interface NatsEnv {
  CAXTON_NATS_URL?: string;
  CAXTON_NATS_USER?: string;
  CAXTON_NATS_PASSWORD?: string;
  CAXTON_NATS_TOKEN?: string;
  CAXTON_NATS_CREDS?: string;
}

/** The default server when neither a URL nor CAXTON_NATS_URL is given. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** A bad NATS setting, said in one sentence naming where it came from and the fix (never a secret). */
export class NatsConfigError extends Error {
  override readonly name = 'NatsConfigError';
}

/** Resolve the endpoint; throws NatsConfigError for a malformed URL or conflicting credentials. */
export function resolveNatsEndpoint(input: { url?: string; credsFile?: string; env?: NatsEnv }): NatsEndpoint {
  const env = input.env ?? {};
  const source = input.url !== undefined ? '--nats' : env.CAXTON_NATS_URL !== undefined ? 'CAXTON_NATS_URL' : undefined;
  const raw = input.url ?? env.CAXTON_NATS_URL ?? DEFAULT_NATS_URL;
  const servers: string[] = [];
  const fromUrl: NatsAuth[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const parsed = parseServer(part, source ?? 'the default URL');
    servers.push(parsed.server);
    if (parsed.auth.kind !== 'none') fromUrl.push(parsed.auth);
  }
  if (!servers.length) throw new NatsConfigError(`${source ?? 'the NATS URL'} is empty; give a server such as ${DEFAULT_NATS_URL}`);
  const candidates: Array<[string, NatsAuth]> = [];
  if (fromUrl.length) candidates.push([`credentials in ${source}`, fromUrl[0]]);
  if (env.CAXTON_NATS_USER !== undefined || env.CAXTON_NATS_PASSWORD !== undefined) {
    if (!env.CAXTON_NATS_USER) throw new NatsConfigError('CAXTON_NATS_PASSWORD is set without CAXTON_NATS_USER; set both, or neither');
    candidates.push([
      'CAXTON_NATS_USER/CAXTON_NATS_PASSWORD',
      { kind: 'user', user: env.CAXTON_NATS_USER, password: env.CAXTON_NATS_PASSWORD ?? '' },
    ]);
  }
  if (env.CAXTON_NATS_TOKEN) candidates.push(['CAXTON_NATS_TOKEN', { kind: 'token', token: env.CAXTON_NATS_TOKEN }]);
  const creds = input.credsFile ?? env.CAXTON_NATS_CREDS;
  if (creds) candidates.push([input.credsFile ? '--nats-creds' : 'CAXTON_NATS_CREDS', { kind: 'creds', file: creds }]);
  if (candidates.length > 1) {
    throw new NatsConfigError(`NATS credentials are given twice (${candidates.map(([where]) => where).join(' and ')}); keep one`);
  }
  const auth = candidates[0]?.[1] ?? { kind: 'none' };
  return { servers, auth, display: `${servers.join(',')}${describeAuth(auth)}` };
}

/** ` as user alice`, ` with a token`, ` with creds file x`, or nothing: what may be printed about the credentials. */
export function describeAuth(auth: NatsAuth): string {
  switch (auth.kind) {
    case 'user':
      return ` as user ${auth.user}`;
    case 'token':
      return ' with a token';
    case 'creds':
      return ` with creds file ${auth.file}`;
    default:
      return '';
  }
}

function parseServer(text: string, source: string): { server: string; auth: NatsAuth } {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `nats://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new NatsConfigError(
      `${source} has a server that is not a URL (${redact(text)}); write it as nats://host:4222 or nats://user:password@host:4222`,
    );
  }
  if (url.protocol !== 'nats:') {
    throw new NatsConfigError(`${source} uses ${url.protocol}// (${redact(text)}); only nats:// is supported, e.g. nats://host:4222`);
  }
  if (!url.hostname || (url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new NatsConfigError(`${source} should be nats://host:port with nothing after the port (got ${redact(text)})`);
  }
  const server = `nats://${url.hostname}:${url.port || '4222'}`;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!user && !password) return { server, auth: { kind: 'none' } };
  // nats://secret@host is a token; nats://user:pass@host a user and password (as the NATS clients read URLs).
  const userinfo = withScheme.slice(withScheme.indexOf('://') + 3, withScheme.lastIndexOf('@'));
  if (!userinfo.includes(':')) return { server, auth: { kind: 'token', token: user } };
  return { server, auth: { kind: 'user', user, password } };
}

/** The URL text with any user info replaced by `***`, safe to print. */
export function redact(text: string): string {
  return text.replace(/^([a-z]+:\/\/)?[^@/]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}
