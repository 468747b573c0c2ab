import { BUILTIN_PROVIDERS, CUSTOM_PREFIX, type BuiltinProvider } from './index.js';

/** What users are told about a built-in provider: where to point a client, and how to move its upstream. */
export interface ProviderDescription {
  id: string;
  name: string;
  /** The path a client's base URL ends in: the route prefix plus the provider's clientBasePath ("/openai/v1"). */
  clientPath: string;
  /** The env var that overrides its upstream (read in settings/settings.ts). */
  upstreamEnv: string;
}

/**
 * Every list shown to users (the 404 text, the headless banner, the CLI help, test environments) comes from
 * here, so a provider added to BUILTIN_PROVIDERS appears in all of them.
 */
export function describeProviders(providers: readonly BuiltinProvider[] = BUILTIN_PROVIDERS): ProviderDescription[] {
  return providers.map((p) => ({
    id: p.id,
    name: p.name,
    // A module reports its clientBasePath; creating one does no I/O.
    clientPath: `/${p.id}${p.create(p.defaultBaseUrl).clientBasePath}`,
    upstreamEnv: `TOLLGATE_${p.id.toUpperCase()}_BASE_URL`,
  }));
}

/** "/openai/v1, /anthropic, /gemini or /custom/<id>" */
export function clientPathList(providers?: readonly BuiltinProvider[]): string {
  return [...describeProviders(providers).map((d) => d.clientPath), `/${CUSTOM_PREFIX}/<id>`].join(', ').replace(/, ([^,]*)$/, ' or $1');
}

/** Every built-in provider's upstream pointed at one URL, the way tests and scripts point them at a fake. */
export function upstreamEnvFor(url: string, providers?: readonly BuiltinProvider[]): Record<string, string> {
  return Object.fromEntries(describeProviders(providers).map((d) => [d.upstreamEnv, url]));
}
