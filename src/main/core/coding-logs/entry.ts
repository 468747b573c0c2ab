import type { TokenUsage } from '../../contract/usage.js';

/** One model call read from a coding tool's local log, before it is priced. */
export interface LogEntry {
  tool: 'claude-code' | 'codex';
  /** Tollgate route id whose pricing applies. */
  provider: string;
  operation: string;
  ts: number;
  /** null: the log did not say (the entry is recorded unpriced). */
  model: string | null;
  usage: TokenUsage;
  /** The working directory the tool ran in. */
  project: string | null;
  session: string | null;
  /** The upstream's id of the reply, which the proxy records too. */
  upstreamId: string | null;
  /** Keys that mark this entry as seen; an entry with a key already seen is a duplicate. Empty: never deduped. */
  dedupeKeys: string[];
  /** Keys recorded as seen once this entry is taken (a superset of dedupeKeys). */
  marks: string[];
  /** true for a subscription login, false for an API key, null when the log does not say. */
  subscription: boolean | null;
}
