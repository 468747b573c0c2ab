import os from 'node:os';

/**
 * The keys of calls already taken, as 64-bit hashes in typed arrays rather than a Set of strings. A month's
 * import runs about a million keys through the bound: as strings each key was a heap object that lived long
 * enough to reach V8's old generation (the import's RSS grew by the garbage), and the store's copy was a JSON
 * array of ~100,000 strings that the store serialised at every save. Here the keys cost 8 bytes each in memory
 * and in the store (one base64 string), and adding one allocates nothing.
 *
 * Two generations of `max` keys each: when the current one is full it becomes the previous one and the older
 * generation is forgotten at once, so the newest `max` keys are always kept and at most 2 × `max` are.
 * Two different keys collide only if both 32-bit halves do: about one chance in 10^8 over a million lookups
 * against 200,000 keys; a collision would skip one call.
 */

export interface SeenKeys {
  has(key: string): boolean;
  add(key: string): void;
  readonly size: number;
  /** Every key kept, oldest first, 8 bytes a key. */
  encodeBytes(): Buffer;
  /** Adds the keys of an encodeBytes() result, in order (a trailing partial key is ignored). */
  decodeBytes(buf: Buffer): void;
  /** encodeBytes() as base64, for the store's document. */
  encode(): string;
  decode(packed: string): void;
}

interface Generation {
  hi: Uint32Array;
  lo: Uint32Array;
  n: number;
  /** Open addressing, linear probing: 0 is empty, else the key's index in hi/lo plus one. */
  slots: Int32Array;
}

const BIG_ENDIAN = os.endianness() === 'BE';

let h1 = 0;
let h2 = 0;

/** cyrb53's two 32-bit lanes, both kept (64 bits); results in h1, h2 so that hashing allocates nothing. */
function hash(s: string): void {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507);
  a ^= Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  h1 = a >>> 0;
  h2 = b >>> 0;
}

function generation(cap: number): Generation {
  let slots = 16;
  while (slots < cap * 2) slots *= 2;
  return { hi: new Uint32Array(cap), lo: new Uint32Array(cap), n: 0, slots: new Int32Array(slots) };
}

function find(g: Generation, hi: number, lo: number): number {
  const mask = g.slots.length - 1;
  for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
    const s = g.slots[i]!;
    if (s === 0) return ~i;
    if (g.hi[s - 1] === hi && g.lo[s - 1] === lo) return i;
  }
}

export function createSeenKeys(max: number): SeenKeys {
  const cap = Math.max(1, max);
  let cur = generation(cap);
  let prev: Generation | null = null;

  const hasHash = (hi: number, lo: number) => find(cur, hi, lo) >= 0 || (prev !== null && find(prev, hi, lo) >= 0);

  const addHash = (hi: number, lo: number) => {
    if (hasHash(hi, lo)) return;
    if (cur.n === cap) {
      // The generation before the previous one is forgotten whole; its arrays are reused, cleared.
      const spare = prev;
      prev = cur;
      if (spare) {
        spare.slots.fill(0);
        spare.n = 0;
        cur = spare;
      } else cur = generation(cap);
    }
    const at = find(cur, hi, lo);
    cur.hi[cur.n] = hi;
    cur.lo[cur.n] = lo;
    cur.n++;
    cur.slots[~at] = cur.n;
  };

  return {
    has(key) {
      hash(key);
      return hasHash(h1, h2);
    },
    add(key) {
      hash(key);
      addHash(h1, h2);
    },
    get size() {
      return cur.n + (prev?.n ?? 0);
    },
    encodeBytes() {
      // Through a typed array (a Buffer's per-call writes cost ~50 ms for 200,000 keys), little-endian on disk.
      const words = new Uint32Array(2 * (cur.n + (prev?.n ?? 0)));
      let o = 0;
      for (const g of prev ? [prev, cur] : [cur]) {
        for (let i = 0; i < g.n; i++) {
          words[o++] = g.hi[i]!;
          words[o++] = g.lo[i]!;
        }
      }
      const buf = Buffer.from(words.buffer);
      return BIG_ENDIAN ? buf.swap32() : buf;
    },
    decodeBytes(buf) {
      // Copied: a Buffer need not be 4-byte aligned for a Uint32Array view.
      const words = new Uint32Array(Math.floor(buf.length / 8) * 2);
      const bytes = Buffer.from(words.buffer);
      buf.copy(bytes, 0, 0, bytes.length);
      if (BIG_ENDIAN) bytes.swap32();
      for (let o = 0; o < words.length; o += 2) addHash(words[o]!, words[o + 1]!);
    },
    encode() {
      return this.encodeBytes().toString('base64');
    },
    decode(packed) {
      this.decodeBytes(Buffer.from(packed, 'base64'));
    },
  };
}
