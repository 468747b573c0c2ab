import type { Budget } from '../../contract/budgets.js';
import { counterKey, type Counter } from './counters.js';
import type { ScopeIndex } from './scope-index.js';
import type { Spend } from './spend.js';
import type { BudgetState } from './state.js';

/**
 * The counters of the last list of budgets admission read, by position, so the next call with the same list (the
 * scope index hands every call with the same facts the same list) and the settles of calls admitted with it find
 * each counter without building its key and looking it up: two map look-ups per budget per call otherwise.
 *
 * Why it holds: a counter of a budget that is not per run leaves the counters, or is replaced there, only when
 * the budget is deleted or edited (editing.ts), and both rebuild the scope index. So while the index is the one
 * the list came from, each counter found for it is still the one the counters hold. Run budgets' counters (pruned
 * with the runs, spend.ts) are always looked up.
 */
export interface KnownCounters {
  /** spend.counterFor for the i-th budget of `list`, in order from i = 0 for each admission. */
  counterFor(list: readonly Budget[], i: number, run: string | null, now: number): Counter;
  /** The counter of the i-th budget of `list` if it is known, without rolling it; null otherwise. */
  known(list: readonly Budget[], i: number): Counter | null;
  /**
   * Every counter of `list`, by position, without rolling them: one array shared by all calls with that list (a
   * stream's checks read it every 16 tokens), null when the list has a run budget (a run's counter is the call's
   * own) or a budget without a counter.
   */
  ofList(list: readonly Budget[]): readonly Counter[] | null;
}

export function createKnownCounters(state: BudgetState, spend: Spend): KnownCounters {
  let list: readonly Budget[] | null = null;
  let index: ScopeIndex | null = null;
  // Reused, never shrunk: an entry counts only when its generation is the current one.
  const counters: Counter[] = [];
  const generation: number[] = [];
  let current = 0;

  const valid = (l: readonly Budget[], i: number) => l === list && state.index === index && generation[i] === current;

  // Per list, for as long as the list lives (the index that handed it out): its counters and the index they
  // were found under.
  const lists = new WeakMap<readonly Budget[], { index: ScopeIndex; counters: Counter[] | null }>();

  return {
    ofList(l) {
      const hit = lists.get(l);
      if (hit && hit.index === state.index) return hit.counters;
      let counters: Counter[] | null = [];
      for (const b of l) {
        const c = b.scope.run ? undefined : state.counters.get(counterKey(b.id, null));
        if (c === undefined) {
          counters = null;
          break;
        }
        counters.push(c);
      }
      // Not kept when a counter was missing: the next call's admission makes it.
      if (counters !== null || l.some((b) => b.scope.run)) lists.set(l, { index: state.index, counters });
      return counters;
    },
    counterFor(l, i, run, now) {
      const b = l[i]!;
      if (b.scope.run) return spend.counterFor(b, run, now);
      if (valid(l, i)) return spend.refresh(b, counters[i]!, now);
      if (l !== list || state.index !== index) {
        list = l;
        index = state.index;
        current++;
      }
      const c = spend.counterFor(b, null, now);
      counters[i] = c;
      generation[i] = current;
      return c;
    },
    known: (l, i) => (valid(l, i) ? counters[i]! : null),
  };
}
