import type { ImportedCall } from '../history/reads.js';

/**
 * How a call read again after a kill is recognised among those the history already holds (importer.ts
 * recordedSince): by the upstream's id where the log gives one (Claude Code, Codex's response records), otherwise
 * by its session, time and tokens (a Codex turn counted from token_count lines, whose dedupe key is built from a
 * cumulative total the record does not keep). Null: neither, so it cannot be recognised.
 */
export function importedIdentity(c: ImportedCall): string | null {
  if (c.upstreamId) return c.upstreamId;
  if (!c.session) return null;
  return `${c.session}@${c.ts}:${c.usage.inputTokens}:${c.usage.outputTokens}`;
}
