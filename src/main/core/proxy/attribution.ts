import type { IncomingHttpHeaders } from 'node:http';
import { MAX_NAME_CHARS } from '../ledger/bounds.js';

/** Who a call is attributed to: from the x-tollgate-* headers, else from the wrapped key's own labels. */
export interface Attribution {
  project: string | null;
  user: string | null;
  run: string | null;
}

export type AttributionResult = ({ ok: true } & Attribution) | { ok: false; message: string };

const HEADERS = { project: 'x-tollgate-project', user: 'x-tollgate-user', run: 'x-tollgate-run' } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value as the client meant it. Node hands header bytes over as latin1 (one char per byte), so UTF-8
 * names arrive mangled (`café` as `cafÃ©`): the bytes are decoded as UTF-8 when they are valid UTF-8. A value
 * may also be percent-encoded (RFC 3986 §2.1, `proj-%F0%9F%98%80`; send `%25` for a literal `%`), or written
 * as an RFC 8187 ext-value (`UTF-8''proj-%F0%9F%98%80`), for clients that can only send ASCII headers.
 */
export function decodeHeaderValue(raw: string): string {
  let text = raw;
  // Only a string of byte-sized chars can be the latin1 view of bytes; anything else is already text.
  if (isLatin1Bytes(text)) {
    try {
      text = utf8.decode(Buffer.from(text, 'latin1'));
    } catch {
      // Not UTF-8: keep the bytes as latin1 text, which is what they are.
    }
  }
  const ext = /^utf-8''(.*)$/i.exec(text);
  if (ext) text = ext[1]!;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // A lone "%" (e.g. "50%-off"): the value is taken as written.
    }
  }
  return text;
}

/** True when every char is byte-sized and at least one is beyond ASCII: the shape of UTF-8 read as latin1. */
function isLatin1Bytes(text: string): boolean {
  let high = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return false;
    if (c > 0x7f) high = true;
  }
  return high;
}

function single(h: IncomingHttpHeaders, name: string): string | null {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : null;
}

/**
 * Reads the attribution headers. A value longer than the ledger keeps (200 characters) is refused with a
 * message rather than silently dropped or cut, so the client learns its project name did not fit.
 */
export function readAttribution(headers: IncomingHttpHeaders, ident: { project: string | null; owner: string | null }): AttributionResult {
  const out: Attribution = { project: ident.project, user: ident.owner, run: null };
  for (const key of ['project', 'user', 'run'] as const) {
    const raw = single(headers, HEADERS[key]);
    if (raw === null) continue;
    const value = decodeHeaderValue(raw);
    if (value.length > MAX_NAME_CHARS) {
      return { ok: false, message: `The ${HEADERS[key]} header is ${value.length} characters long; Tollgate keeps at most ${MAX_NAME_CHARS}.` };
    }
    out[key] = value;
  }
  return { ok: true, project: out.project, user: out.user, run: out.run };
}
