import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A package loaded the first time it is used rather than at start: a library only some installs need (Redis in
 * team mode, protobuf for OTLP, the TOML and JSONC parsers for routing, desktop notifications) costs memory for
 * as long as the process runs once imported, and most processes never use it. Synchronous (every package named
 * here ships CommonJS), so the code using it stays as it was; `T` is the package's type, from `import type`.
 */
export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(id) as T);
}
