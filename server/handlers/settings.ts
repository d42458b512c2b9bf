/** Normalises whatever the client sends as `caxton.*` settings: bad values fall back to defaults. */
import { DEFAULT_SETTINGS, type CaxtonSettings } from '../../schemas/protocol/lsp';

/** Settings from a `workspace/configuration` result or initializationOptions. */
export function normalizeSettings(raw: unknown): CaxtonSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const v = (r.validation && typeof r.validation === 'object' ? r.validation : {}) as Record<string, unknown>;
  const num = (x: unknown, min: number, max: number, dflt: number) =>
    typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max ? x : dflt;
  return {
    validation: {
      enable: typeof v.enable === 'boolean' ? v.enable : DEFAULT_SETTINGS.validation.enable,
      debounceMs: num(v.debounceMs, 0, 10_000, DEFAULT_SETTINGS.validation.debounceMs),
    },
    maxContentBytes: num(r.maxContentBytes, 1, 1024 ** 3, DEFAULT_SETTINGS.maxContentBytes),
  };
}
