import type { KeyDto } from '../../contract/keys.js';
import type { KeyMatch } from '../../contract/polling.js';
import type { ProviderKeyInfo } from './types.js';

export interface KeyMatchResult {
  keyId: string;
  match: Exclude<KeyMatch, null>;
  /** The Tollgate key's name, when it has one. */
  tollgateName: string | null;
  /** The Tollgate key's project (wrapped keys), which budgets scoped by project use. */
  tollgateProject: string | null;
}

/** "sk-proj-…abcd", "sk-abc...def", "sk-ant-api03-R2D…igAA", "sk-****abcd" → what shows before and after the gap. */
export function parseRedacted(s: string | null): { prefix: string; suffix: string } | null {
  if (!s) return null;
  const m = /^(.*?)(?:…|\.{2,}|\*{2,})+(.*)$/.exec(s.trim());
  if (!m) return null;
  return { prefix: m[1]!, suffix: m[2]! };
}

/**
 * Two redacted values can be the same key when their visible tails agree (at least three characters, as far
 * as both show) and one visible head extends the other. Tollgate keeps the well-known prefix and the last four.
 */
export function redactedCompatible(a: string | null, b: string | null): boolean {
  const x = parseRedacted(a);
  const y = parseRedacted(b);
  if (!x || !y) return false;
  const n = Math.min(x.suffix.length, y.suffix.length);
  if (n < 3 || x.suffix.slice(-n) !== y.suffix.slice(-n)) return false;
  return x.prefix.startsWith(y.prefix) || y.prefix.startsWith(x.prefix);
}

/**
 * Ties a provider's key ids to Tollgate's keys: exactly by fingerprint when the source holds the key itself,
 * else by redacted value, and only when the match is one-to-one: a guess between two keys would put one
 * person's spend on another's budget.
 */
export function matchKeys(providerKeys: readonly ProviderKeyInfo[], tollgateKeys: readonly KeyDto[], routeId: string): Map<string, KeyMatchResult> {
  const out = new Map<string, KeyMatchResult>();
  const byId = new Map(tollgateKeys.map((k) => [k.id, k]));
  const candidates = tollgateKeys.filter((k) => k.provider === routeId && !k.subscription);
  const visible = (k: KeyDto) => (k.kind === 'wrapped' ? k.upstreamLabel : k.label);

  const forward = new Map<string, KeyDto[]>();
  const backward = new Map<string, number>();
  for (const pk of providerKeys) {
    if (pk.fingerprint) {
      const k = byId.get(pk.fingerprint);
      out.set(pk.id, { keyId: pk.fingerprint, match: 'fingerprint', tollgateName: k?.name ?? null, tollgateProject: k?.project ?? null });
      continue;
    }
    const hits = candidates.filter((k) => redactedCompatible(pk.redacted, visible(k)));
    forward.set(pk.id, hits);
    for (const h of hits) backward.set(h.id, (backward.get(h.id) ?? 0) + 1);
  }
  for (const [id, hits] of forward) {
    if (hits.length !== 1 || backward.get(hits[0]!.id) !== 1) continue;
    const k = hits[0]!;
    out.set(id, { keyId: k.id, match: 'redacted', tollgateName: k.name, tollgateProject: k.project });
  }
  return out;
}

/** The id reported spend goes under when no Tollgate key matches. */
export function unmatchedKeyId(routeId: string, providerKeyId: string | null): string {
  return `${routeId}:${providerKeyId ?? 'no-key'}`;
}
