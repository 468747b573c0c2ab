import type { RequestFlag, RequestRecord, RollupRow, TokenUsage } from '../../contract/usage.js';

/** Ids and names (models, projects, users, runs, key labels) are kept to this many characters. */
export const MAX_NAME_CHARS = 200;
/** Free-text notes are kept to this many characters. */
export const MAX_NOTE_CHARS = 1000;

const USAGE_FIELDS = ['inputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens'] as const;

function cut(s: string, max: number): string {
  // Never split a surrogate pair: a lone half would not survive a JSON round trip as the same string.
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return s.slice(0, end);
}

/** A string kept to `max` characters, and whether it was cut. */
export function boundString(s: string, max = MAX_NAME_CHARS): string {
  return s.length > max ? cut(s, max) : s;
}

/** A finite, non-negative count or cost: anything else (NaN, Infinity, negative) would poison every total it joins. */
function finite(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0;
}

/**
 * The one place a record is made safe to keep: every stored string is bounded (one 10 MB model name would
 * otherwise bloat the store file, every query and every rollup key for good) and every number is finite.
 * A record that had to be changed says so in its flags.
 */
export function boundRecord(r: RequestRecord): RequestRecord {
  let truncated = false;
  const name = (s: string, max = MAX_NAME_CHARS) => {
    if (s.length <= max) return s;
    truncated = true;
    return cut(s, max);
  };
  const maybe = (s: string | null) => (s === null ? null : name(s));
  let implausible = false;
  const usage = {} as TokenUsage;
  for (const k of USAGE_FIELDS) {
    const v = finite(r.usage?.[k]);
    if (v !== r.usage?.[k]) implausible = true;
    usage[k] = v;
  }
  let costUsd = r.costUsd;
  if (costUsd !== null && !(Number.isFinite(costUsd) && costUsd >= 0)) {
    costUsd = null;
    implausible = true;
  }
  const out: RequestRecord = {
    ...r,
    id: name(r.id),
    provider: name(r.provider),
    operation: name(r.operation),
    model: name(r.model),
    responseModel: maybe(r.responseModel),
    keyId: name(r.keyId),
    keyLabel: name(r.keyLabel),
    project: maybe(r.project),
    user: maybe(r.user),
    run: maybe(r.run),
    pricedModel: maybe(r.pricedModel),
    priceSource: maybe(r.priceSource),
    usage,
    costUsd,
    flags: r.flags.slice(0, 16).map((f) => name(f, 40) as RequestFlag),
  };
  if (r.note !== undefined) out.note = name(r.note, MAX_NOTE_CHARS);
  if (r.upstreamId !== undefined) out.upstreamId = name(r.upstreamId);
  if (r.tool !== undefined) out.tool = name(r.tool);
  if (r.session !== undefined) out.session = name(r.session);
  if (truncated && !out.flags.includes('truncated')) out.flags.push('truncated');
  if (implausible && !out.flags.includes('implausible-usage')) out.flags.push('implausible-usage');
  return out;
}

/** A stored rollup row with its key strings bounded the same way, so old oversized rows shrink on load. */
export function boundRollupKeys(row: RollupRow): RollupRow {
  return {
    ...row,
    provider: boundString(row.provider),
    keyId: boundString(row.keyId),
    model: boundString(row.model),
    project: row.project === null ? null : boundString(row.project),
    user: typeof row.user === 'string' ? boundString(row.user) : null,
    run: typeof row.run === 'string' ? boundString(row.run) : null,
  };
}
