import http from 'node:http';
import https from 'node:https';
import type { Agent as Dispatcher } from 'undici';
import UndiciAgent from 'undici/lib/dispatcher/agent.js';
import type { Settings } from '../../contract/settings.js';
import { BUILTIN_PROVIDERS, CUSTOM_PREFIX, createCustomProvider, type BuiltinProvider } from './index.js';
import type { ProviderModule } from './types.js';

/** Where a provider's requests go, parsed once rather than per request. */
export interface UpstreamTarget {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** Path prefix of the base URL, without a trailing slash. */
  basePath: string;
  /** For WebSocket upgrades (ws); HTTP calls go through `dispatcher`. */
  agent: http.Agent;
  dispatcher: Dispatcher;
  /** scheme://host:port, the dispatcher's key for its connection pool. */
  origin: string;
  hostHeader: string;
}

export interface ProviderRoute {
  provider: ProviderModule;
  upstream: UpstreamTarget;
  /** The prefix clients use, e.g. "/openai" or "/custom/groq". */
  prefix: string;
}

export interface ProviderRegistry {
  /** Resolves a request path to its provider and the rest of the path. */
  match(path: string): { route: ProviderRoute; rest: string } | null;
  routes(): ProviderRoute[];
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
  /** undici's: HTTP calls upstream, pooled per origin with keep-alive. */
  dispatcher: Dispatcher;
  destroy(): void;
}

export function createAgents(): Agents {
  // Keep-alive to upstreams saves a TCP (and TLS) handshake per call; LIFO keeps the warmest socket in use.
  const opts = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' as const, keepAliveMsecs: 30_000 };
  const agents = {
    http: new http.Agent(opts),
    https: new https.Agent(opts),
    // An idle connection is kept 30 s, or less when the server's Keep-Alive hint says so (undici takes a second
    // off the hint). undici's default without a hint, 4 s, would make a call after a short pause pay for a new
    // TLS handshake with the provider.
    dispatcher: new UndiciAgent({ keepAliveTimeout: 30_000 }),
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
      void agents.dispatcher.destroy().catch(() => {});
    },
  };
  return agents;
}

function target(baseUrl: string, agents: Agents): UpstreamTarget {
  const u = new URL(baseUrl);
  const protocol = u.protocol === 'https:' ? 'https:' : 'http:';
  return {
    protocol,
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : protocol === 'https:' ? 443 : 80,
    basePath: u.pathname.replace(/\/+$/, ''),
    agent: protocol === 'https:' ? agents.https : agents.http,
    dispatcher: agents.dispatcher,
    origin: `${protocol}//${u.host}`,
    hostHeader: u.host,
  };
}

/**
 * `extra` adds built-in entries beside the registry's own (an embedder's provider); a built-in id is not
 * replaced by one, so the registry's own providers always keep their routes.
 */
export function createProviderRegistry(
  settings: Settings,
  envUpstreams: Record<string, string>,
  agents: Agents,
  extra: readonly BuiltinProvider[] = [],
): ProviderRegistry {
  const builtins = new Map<string, ProviderRoute>();
  for (const b of [...BUILTIN_PROVIDERS, ...extra]) {
    if (builtins.has(b.id)) continue;
    const baseUrl = envUpstreams[b.id] ?? settings.upstreams[b.id] ?? b.defaultBaseUrl;
    builtins.set(b.id, { provider: { ...b.create(baseUrl), tokenizerMargin: b.tokenizerMargin }, upstream: target(baseUrl, agents), prefix: `/${b.id}` });
  }
  const customs = new Map<string, ProviderRoute>();
  for (const c of settings.customProviders) {
    customs.set(c.id, { provider: createCustomProvider(c), upstream: target(c.baseUrl, agents), prefix: `/${CUSTOM_PREFIX}/${c.id}` });
  }
  return {
    match(path) {
      const second = path.indexOf('/', 1);
      const first = second === -1 ? path.slice(1) : path.slice(1, second);
      if (first === CUSTOM_PREFIX && second !== -1) {
        const third = path.indexOf('/', second + 1);
        const id = third === -1 ? path.slice(second + 1) : path.slice(second + 1, third);
        const route = customs.get(id);
        return route ? { route, rest: third === -1 ? '/' : path.slice(third) } : null;
      }
      const route = builtins.get(first);
      return route ? { route, rest: second === -1 ? '/' : path.slice(second) } : null;
    },
    routes: () => [...builtins.values(), ...customs.values()],
  };
}
