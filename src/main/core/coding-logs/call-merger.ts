import type { LogEntry } from './entry.js';

const tokensOf = (e: LogEntry) => e.usage.inputTokens + e.usage.outputTokens;

export interface CallMerger<E extends LogEntry> {
  add(e: E): void;
  readonly size: number;
  /**
   * Takes the entries merged so far, in order. With `all` false the last call is held back: the lines of one call
   * are adjacent, so its remaining lines may be the first ones of the next batch.
   */
  drain(all: boolean): E[];
}

/**
 * Lines read together that are the same call (a reply written once per content block) are one entry: the one
 * with the most tokens, in the place of the first, as ccusage does. Fed in batches, so a large file never sits in
 * memory whole; a call split across a batch boundary is still merged, because its first part is held back.
 */
export function createCallMerger<E extends LogEntry>(): CallMerger<E> {
  let out: E[] = [];
  const at = new Map<string, number>();
  const add = (e: E) => {
    const key = e.dedupeKeys[0];
    const i = key === undefined ? undefined : at.get(key);
    if (i === undefined) {
      if (key !== undefined) at.set(key, out.length);
      out.push(e);
    } else if (tokensOf(e) > tokensOf(out[i]!)) out[i] = e;
  };
  return {
    add,
    get size() {
      return out.length;
    },
    drain(all) {
      const taken = out;
      const last = all ? undefined : taken.pop();
      out = [];
      at.clear();
      if (last) add(last);
      return taken;
    },
  };
}
