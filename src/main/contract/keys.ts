/** Keys as the dashboard sees them. Raw provider keys never cross this boundary. Types only. */
export type KeyKind = 'wrapped' | 'passthrough';

export interface KeyDto {
  /** "key_…" for wrapped keys, "fp_…" (a hash) for keys seen in passthrough. */
  id: string;
  kind: KeyKind;
  /** Redacted: "tg_…abcd", "sk-proj-…wxyz". */
  label: string;
  name: string | null;
  provider: string;
  project: string | null;
  owner: string | null;
  createdAt: number | null;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** For wrapped keys: the redacted provider key it is bound to. */
  upstreamLabel: string | null;
  /** A subscription OAuth token (Claude Pro/Max): dollars shown are API-equivalent. */
  subscription: boolean;
}

export interface CreateKeyInput {
  name: string;
  provider: string;
  /** The real provider key, sealed at rest and never shown again. */
  providerKey: string;
  project?: string | null;
  owner?: string | null;
}

/** A passthrough key ("fp_…") takes a name only; null clears it. Tollgate keys always keep a name. */
export interface UpdateKeyInput {
  id: string;
  name?: string | null;
  project?: string | null;
  owner?: string | null;
}
