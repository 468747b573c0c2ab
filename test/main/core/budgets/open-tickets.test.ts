import { describe, expect, it } from 'vitest';
import { createOpenTickets, type OpenTicket } from '../../../../src/main/core/budgets/open-tickets.js';

const ticket = (at: number): OpenTicket => ({ holds: null as never, at, openIn: null, prevOpen: null, nextOpen: null });
const ats = (list: ReturnType<typeof createOpenTickets>) => {
  const out: number[] = [];
  list.forEach((t) => out.push(t.at));
  return out;
};

describe('open tickets', () => {
  it('keeps the calls in flight oldest first, takes any one out once, and leaves a ticket taken out naming nothing', () => {
    const list = createOpenTickets();
    const [a, b, c, d] = [1, 2, 3, 4].map(ticket);
    for (const t of [a!, b!, c!, d!]) list.add(t);
    expect(list.size).toBe(4);
    expect(ats(list)).toEqual([1, 2, 3, 4]);
    expect(list.remove(b!)).toBe(true);
    expect(list.remove(b!)).toBe(false);
    expect([b!.openIn, b!.prevOpen, b!.nextOpen]).toEqual([null, null, null]);
    expect(list.has(b)).toBe(false);
    expect(list.has(c)).toBe(true);
    // The ends, then the last one.
    expect(list.remove(a!)).toBe(true);
    expect(list.remove(d!)).toBe(true);
    expect(ats(list)).toEqual([3]);
    expect(list.remove(c!)).toBe(true);
    expect(list.size).toBe(0);
    expect(ats(list)).toEqual([]);
    list.add(a!);
    expect(ats(list)).toEqual([1]);
  });

  it('lets the sweep take out the ticket it is visiting, and knows only its own tickets', () => {
    const list = createOpenTickets();
    const ts = [10, 20, 30, 40, 50].map(ticket);
    for (const t of ts) list.add(t);
    list.forEach((t) => {
      if (t.at % 20 !== 0) list.remove(t);
    });
    expect(ats(list)).toEqual([20, 40]);
    expect(list.size).toBe(2);
    const other = createOpenTickets();
    expect(other.has(ts[1])).toBe(false);
    expect(other.remove(ts[1]!)).toBe(false);
    expect(list.has(ts[1])).toBe(true);
    expect(list.has(null)).toBe(false);
    expect(list.has({ progress: () => null })).toBe(false);
  });
});
