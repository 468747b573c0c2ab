/**
 * String scans over one stream event's JSON text, for the stream meters' hot path. Most events only carry a
 * few characters of generated text; parsing each with JSON.parse cost about 1.5 µs an event. The meters find
 * what they need by scanning and parse only the few events that carry usage. Counts from a scan are
 * estimates (an escape like `\u00e9` counts as more than one character): they only feed output estimates for
 * streams cut short, never a recorded usage figure.
 */

const QUOTE = 34;
const BACKSLASH = 92;

function skipSpace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** Index of the first character of the value of `"key":` at or after `from`, or -1. */
function valueAt(s: string, needle: string, from: number): { at: number; next: number } | null {
  let i = s.indexOf(needle, from);
  while (i !== -1) {
    const j = skipSpace(s, i + needle.length);
    // A quoted word that is a value (`"type":"text"`) is not followed by a colon; skip it.
    if (s.charCodeAt(j) === 58) return { at: skipSpace(s, j + 1), next: i + needle.length };
    i = s.indexOf(needle, i + needle.length);
  }
  return null;
}

/** End index (exclusive, after the closing quote) of the JSON string starting at `start` (a quote), or -1. */
function stringEnd(s: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q === -1) return -1;
    let b = q - 1;
    while (b > start && s.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/**
 * A counter of the rough length of the string values of `"key":"…"` for the given keys, in one regular
 * expression pass (backslashes are not counted). One pass costs a fraction of a JSON.parse of the event.
 */
export function createTextCounter(keys: readonly string[]): (s: string) => number {
  const re = new RegExp(`"(?:${keys.join('|')})"\\s*:\\s*"`, 'g');
  return (s) => {
    let n = 0;
    re.lastIndex = 0;
    // test(), not exec(): the same match and lastIndex without building a match array per value.
    while (re.test(s)) {
      const start = re.lastIndex - 1;
      const end = stringEnd(s, start);
      if (end === -1) break;
      n += end - start - 2;
      for (let b = s.indexOf('\\', start); b !== -1 && b < end; b = s.indexOf('\\', b + 2)) n--;
      re.lastIndex = end;
    }
    return n;
  };
}

/**
 * A test of whether `"key"` occurs in a string, as `s.includes('"key"')` says, found faster: searched as `key"`
 * with the quote before it checked, because a search that starts with a quote stops at every string in JSON.
 */
export function createQuotedTest(key: string): (s: string) => boolean {
  const needle = `${key}"`;
  return (s) => {
    for (let i = s.indexOf(needle, 1); i !== -1; i = s.indexOf(needle, i + 1)) if (s.charCodeAt(i - 1) === QUOTE) return true;
    return false;
  };
}

/** The first string value of `"key":`, decoded, or null. */
export function stringValue(s: string, key: string): string | null {
  const v = valueAt(s, `"${key}"`, 0);
  if (!v || s.charCodeAt(v.at) !== QUOTE) return null;
  const end = stringEnd(s, v.at);
  if (end === -1) return null;
  const raw = s.slice(v.at, end);
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return null;
  }
}

/** What the first `"key":` holds: an object, null, something else, or nothing (absent); `at` is where the key starts. */
export function valueKind(s: string, key: string): { kind: 'object' | 'null' | 'other' | 'absent'; at: number; end: number } {
  const needle = `"${key}"`;
  const i = s.indexOf(needle);
  if (i === -1) return { kind: 'absent', at: -1, end: -1 };
  const v = valueAt(s, needle, i);
  if (!v) return { kind: 'absent', at: -1, end: -1 };
  const c = s.charCodeAt(v.at);
  if (c === 123) return { kind: 'object', at: i, end: -1 };
  if (c === 110 && s.startsWith('null', v.at)) return { kind: 'null', at: i, end: v.at + 4 };
  return { kind: 'other', at: i, end: -1 };
}

/**
 * The object value of the first `"key":{…}`, parsed on its own (a few dozen characters rather than the whole
 * event), or null. Strings inside are skipped whole, so a brace in a string cannot end the object early.
 */
export function objectValue(s: string, key: string): Record<string, unknown> | null {
  if (!s.includes(`"${key}"`)) return null;
  const v = valueAt(s, `"${key}"`, 0);
  if (!v || s.charCodeAt(v.at) !== 123) return null;
  // Usually a flat object of counts: its first closing brace ends it.
  const close = s.indexOf('}', v.at);
  if (close !== -1) {
    const inner = s.slice(v.at + 1, close);
    const flat = inner.includes('{') || inner.includes('[') ? null : parseObject(s.slice(v.at, close + 1));
    if (flat) return flat; // else a "}" inside a string ended it early: scan properly below
  }
  let depth = 0;
  for (let i = v.at; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(s, i);
      if (end === -1) return null;
      i = end - 1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return parseObject(s.slice(v.at, i + 1));
    }
  }
  return null;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const o: unknown = JSON.parse(text);
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
