import { addDays, daysBetween, monthStart } from '../../../shared/days';

export interface DayRange {
  from: string;
  to: string;
}

export interface RangePreset extends DayRange {
  id: string;
  label: string;
}

/** The ranges people ask for most, ending today (or last month, whole). */
export function rangePresets(today: string): RangePreset[] {
  const lastMonthEnd = addDays(monthStart(today), -1);
  return [
    // This month before the day counts: on the 30th of a 30-day month "last 30 days" is the same range, and
    // presetOf names the first match.
    { id: 'today', label: 'Today', from: today, to: today },
    { id: 'month', label: 'This month', from: monthStart(today), to: today },
    { id: 'last-month', label: 'Last month', from: monthStart(lastMonthEnd), to: lastMonthEnd },
    { id: '7d', label: 'Last 7 days', from: addDays(today, -6), to: today },
    { id: '30d', label: 'Last 30 days', from: addDays(today, -29), to: today },
  ];
}

export function presetOf(range: DayRange, today: string): string {
  return rangePresets(today).find((p) => p.from === range.from && p.to === range.to)?.id ?? 'custom';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Why a range cannot be queried, in words for the field it concerns; null when it can. */
export function rangeProblem(r: DayRange): { field: 'from' | 'to'; message: string } | null {
  if (!DAY.test(r.from)) return { field: 'from', message: 'Pick a start day.' };
  if (!DAY.test(r.to)) return { field: 'to', message: 'Pick an end day.' };
  if (r.from > r.to) return { field: 'to', message: 'The end is before the start.' };
  if (daysBetween(r.from, r.to) > 366) return { field: 'to', message: 'Pick at most a year at a time.' };
  return null;
}
