import type { ProviderRegistry } from '../providers/registry.js';

/** A request target split and normalised once, before any route or operation is chosen. */
export interface RequestTarget {
  /** The normalised path: what the upstream would read, and what is forwarded. */
  path: string;
  rawQuery: string;
  match: ReturnType<ProviderRegistry['match']>;
  /** Set when the path is refused (with `match` still naming the provider, for the error's shape). */
  refusal: string | null;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 §6.2.2: percent-encoded unreserved characters are decoded (`%63hat` is `chat`) and the hex of the
 * rest upper-cased. Encoded slashes and backslashes stay encoded: they are refused separately.
 */
function decodeUnreserved(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/**
 * Collapses repeated slashes and removes `.` and `..` segments (RFC 3986 §5.2.4), as upstream servers read a
 * path. `lowest` is the fewest segments left after any `..`: a `..` that climbs above a route's prefix shows
 * up as a `lowest` below the prefix's depth.
 */
export function normalisePath(raw: string): { path: string; lowest: number } {
  // The usual path has nothing to normalise: with no `%`, no `//` and no `/.` there is no escape, empty
  // segment or dot segment, so the loop below would rebuild it unchanged. Returned as it is, per request.
  if (raw.charCodeAt(0) === 47 && !raw.includes('%') && !raw.includes('//') && !raw.includes('/.')) return { path: raw, lowest: Infinity };
  const input = decodeUnreserved(raw);
  const out: string[] = [];
  let lowest = Infinity;
  const parts = input.split('/');
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i]!;
    const last = i === parts.length - 1;
    if (seg === '' && !last) continue; // a repeated slash
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..') {
      out.pop();
      lowest = Math.min(lowest, out.length);
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return { path: '/' + out.join('/'), lowest };
}

/** The route prefix's depth in segments: `/openai` is 1, `/custom/<id>` is 2. */
function prefixDepth(prefix: string): number {
  return prefix.split('/').length - 1;
}

/**
 * Splits a request target into path and query, normalises the path and resolves its route. Every spelling of
 * an operation's path (`/openai/v1//chat/completions`, `/openai/./v1/…`, `/openai/v1/chat/../chat/completions`)
 * reaches the same route and rest, so none of them can skip metering or budgets.
 */
export function resolveRequestTarget(url: string, registry: ProviderRegistry): RequestTarget {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  if (!rawPath.startsWith('/')) return { path: rawPath, rawQuery, match: null, refusal: null };
  const { path, lowest } = normalisePath(rawPath);
  const match = registry.match(path);
  let refusal: string | null = null;
  if (match) {
    // `lowest` is finite only when the path had a `..`: the usual path skips counting the prefix's segments.
    if (lowest !== Infinity && lowest < prefixDepth(match.route.prefix)) refusal = `The path ${truncate(rawPath)} climbs above ${match.route.prefix} with "..".`;
    // Some servers decode %2F or read "\" as "/" before routing: such a path could reach a metered endpoint
    // under a spelling Tollgate cannot match, so it is refused rather than passed through.
    else if ((path.includes('%') || path.includes('\\')) && /%2F|%5C|\\/i.test(path)) refusal = `The path ${truncate(rawPath)} contains an encoded slash or a backslash, which Tollgate does not forward.`;
  } else if (lowest !== Infinity) {
    // Climbed out of a route into nothing: refused in the shape of the route it started under.
    const under = registry.match(rawPath);
    if (under && lowest < prefixDepth(under.route.prefix)) return { path, rawQuery, match: under, refusal: `The path ${truncate(rawPath)} climbs above ${under.route.prefix} with "..".` };
  }
  return { path, rawQuery, match, refusal };
}

function truncate(s: string): string {
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}
