import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedKey } from '../../keys/key-ring.js';
import type { ProviderRoute } from '../../providers/registry.js';
import type { ErrorKind } from '../../providers/types.js';
import { ANONYMOUS, type Identity, type ProxyDeps } from '../call.js';

export interface Refusal {
  status: number;
  kind: ErrorKind;
  message: string;
}

function identityOf(k: ResolvedKey): Identity {
  return k.kind === 'wrapped'
    ? { id: k.id, label: k.label, project: k.project, owner: k.owner, subscription: k.subscription, secret: k.secret }
    : { id: k.id, label: k.label, project: null, owner: null, subscription: k.subscription, secret: null };
}

/** Stage 0: who is calling. A refusal is answered before the body is read. */
export function identify(
  deps: Pick<ProxyDeps, 'keys' | 'requireTollgateKey'>,
  route: ProviderRoute,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  now: number,
): Identity | Refusal {
  const { provider } = route;
  let ident = ANONYMOUS;
  const cred = provider.credential(headers, query);
  if (cred) {
    const k = deps.keys.identify(cred.value, provider.id, cred.kind === 'subscription', now);
    if (!k) return { status: 401, kind: 'authentication', message: 'Unknown Tollgate key. Create one in the Tollgate dashboard, or send your provider key to pass through.' };
    if (k.kind === 'wrapped' && k.revoked) return { status: 401, kind: 'authentication', message: `The Tollgate key ${k.label} has been revoked.` };
    if (k.kind === 'wrapped' && k.provider !== provider.id) {
      return { status: 403, kind: 'permission', message: `The Tollgate key ${k.label} is for ${k.provider}; it cannot be used on ${route.prefix}/ routes.` };
    }
    ident = identityOf(k);
  }
  if (ident.secret === null && deps.requireTollgateKey()) {
    return {
      status: 401,
      kind: 'authentication',
      message: 'This Tollgate listens beyond loopback, so every request must present a Tollgate key (tg_…) instead of a provider key.',
    };
  }
  return ident;
}

export function isRefusal<T extends object>(v: T | Refusal): v is Refusal {
  return 'status' in v;
}
