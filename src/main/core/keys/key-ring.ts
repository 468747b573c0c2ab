import type { KeyDto } from '../../contract/keys.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../util/ids.js';
import type { Secrets } from '../secrets/secrets.js';
import { isSubscriptionToken } from '../providers/auth.js';
import { createKeyHasher, hashSecret, redact } from './fingerprint.js';

export const WRAPPED_PREFIX = 'tg_';
const OBSERVED_LIMIT = 1000;

interface WrappedKey {
  id: string;
  hash: string;
  label: string;
  name: string;
  provider: string;
  project: string | null;
  owner: string | null;
  /** The provider key, sealed by the Secrets port. */
  sealed: string;
  upstreamLabel: string;
  subscription: boolean;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
}

interface ObservedKey {
  id: string;
  label: string;
  /** Set by the user ("Laptop OpenAI key"): a fingerprint alone says nothing about whose key it is. */
  name?: string | null;
  provider: string;
  subscription: boolean;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface KeysSnapshot {
  wrapped: WrappedKey[];
  observed: ObservedKey[];
}

export type ResolvedKey =
  | { kind: 'wrapped'; id: string; label: string; provider: string; project: string | null; owner: string | null; subscription: boolean; revoked: boolean; secret: () => string }
  | { kind: 'passthrough'; id: string; label: string; subscription: boolean };

export interface KeyRing {
  /** Who is calling: a wrapped key (by its hash), or a passthrough key (by fingerprint, recorded as seen). */
  identify(secret: string, provider: string, subscription: boolean, now: number): ResolvedKey | null;
  create(input: { name: string; provider: string; providerKey: string; project: string | null; owner: string | null }): { key: KeyDto; secret: string };
  update(id: string, patch: { name?: string; project?: string | null; owner?: string | null }): KeyDto | null;
  /** Names (or, with null, un-names) a key seen in passthrough; null when no such key is known. */
  nameObserved(id: string, name: string | null): KeyDto | null;
  revoke(id: string): KeyDto | null;
  list(): KeyDto[];
  get(id: string): KeyDto | null;
  snapshot(): KeysSnapshot;
}

/**
 * Wrapped keys (tg_…) stand in for a stored provider key; passthrough keys are only ever held as a fingerprint.
 * Sealed provider keys are decrypted once, on first use, and kept in memory only.
 */
export function createKeyRing(deps: { secrets: Secrets; clock: Clock; initial?: unknown; onChange: () => void }): KeyRing {
  const wrapped = new Map<string, WrappedKey>();
  const byHash = new Map<string, WrappedKey>();
  const observed = new Map<string, ObservedKey>();
  const plain = new Map<string, string>();

  const snap = deps.initial as Partial<KeysSnapshot> | undefined;
  for (const k of snap?.wrapped ?? []) {
    wrapped.set(k.id, k);
    byHash.set(k.hash, k);
  }
  for (const k of snap?.observed ?? []) observed.set(k.id, k);

  const wrappedDto = (k: WrappedKey): KeyDto => ({
    id: k.id,
    kind: 'wrapped',
    label: k.label,
    name: k.name,
    provider: k.provider,
    project: k.project,
    owner: k.owner,
    createdAt: k.createdAt,
    lastSeenAt: k.lastSeenAt,
    revokedAt: k.revokedAt,
    upstreamLabel: k.upstreamLabel,
    subscription: k.subscription,
  });
  const observedDto = (k: ObservedKey): KeyDto => ({
    id: k.id,
    kind: 'passthrough',
    label: k.label,
    name: k.name ?? null,
    provider: k.provider,
    project: null,
    owner: null,
    createdAt: k.firstSeenAt,
    lastSeenAt: k.lastSeenAt,
    revokedAt: null,
    upstreamLabel: null,
    subscription: k.subscription,
  });

  const hasher = createKeyHasher();

  const secretOf = (k: WrappedKey) => () => {
    let s = plain.get(k.id);
    if (s === undefined) plain.set(k.id, (s = deps.secrets.decrypt(k.sealed)));
    return s;
  };

  return {
    identify(secret, provider, subscription, now) {
      if (secret.startsWith(WRAPPED_PREFIX)) {
        const k = byHash.get(hasher.hash(secret));
        if (!k) return null;
        k.lastSeenAt = now;
        return {
          kind: 'wrapped',
          id: k.id,
          label: k.label,
          provider: k.provider,
          project: k.project,
          owner: k.owner,
          subscription: k.subscription,
          revoked: k.revokedAt !== null,
          secret: secretOf(k),
        };
      }
      const id = hasher.fingerprint(secret);
      let o = observed.get(id);
      if (!o) {
        if (observed.size >= OBSERVED_LIMIT) {
          // Forget the key seen least recently; its spend stays in the rollups under its fingerprint.
          let oldest: ObservedKey | null = null;
          for (const v of observed.values()) if (!oldest || v.lastSeenAt < oldest.lastSeenAt) oldest = v;
          if (oldest) observed.delete(oldest.id);
        }
        o = { id, label: redact(secret), provider, subscription, firstSeenAt: now, lastSeenAt: now };
        observed.set(id, o);
        deps.onChange();
      } else if (now - o.lastSeenAt > 60_000) {
        // lastSeen is for display: saving it at most once a minute per key keeps writes off busy keys.
        o.lastSeenAt = now;
        deps.onChange();
      }
      return { kind: 'passthrough', id, label: o.label, subscription };
    },
    create(input) {
      const secret = WRAPPED_PREFIX + randomToken(40);
      const k: WrappedKey = {
        id: 'key_' + randomToken(12),
        hash: hashSecret(secret),
        label: redact(secret),
        name: input.name,
        provider: input.provider,
        project: input.project,
        owner: input.owner,
        sealed: deps.secrets.encrypt(input.providerKey),
        upstreamLabel: redact(input.providerKey),
        subscription: isSubscriptionToken(input.providerKey),
        createdAt: deps.clock.now(),
        revokedAt: null,
        lastSeenAt: null,
      };
      wrapped.set(k.id, k);
      byHash.set(k.hash, k);
      plain.set(k.id, input.providerKey);
      deps.onChange();
      return { key: wrappedDto(k), secret };
    },
    update(id, patch) {
      const k = wrapped.get(id);
      if (!k) return null;
      if (patch.name !== undefined) k.name = patch.name;
      if (patch.project !== undefined) k.project = patch.project;
      if (patch.owner !== undefined) k.owner = patch.owner;
      deps.onChange();
      return wrappedDto(k);
    },
    nameObserved(id, name) {
      const o = observed.get(id);
      if (!o) return null;
      o.name = name;
      deps.onChange();
      return observedDto(o);
    },
    revoke(id) {
      const k = wrapped.get(id);
      if (!k) return null;
      if (k.revokedAt === null) {
        k.revokedAt = deps.clock.now();
        plain.delete(k.id);
        deps.onChange();
      }
      return wrappedDto(k);
    },
    list: () => [...[...wrapped.values()].map(wrappedDto), ...[...observed.values()].map(observedDto)],
    get(id) {
      const w = wrapped.get(id);
      if (w) return wrappedDto(w);
      const o = observed.get(id);
      return o ? observedDto(o) : null;
    },
    snapshot: () => ({ wrapped: [...wrapped.values()], observed: [...observed.values()] }),
  };
}
