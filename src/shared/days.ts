/** Day keys ("2026-11-28") in the core's time zone, and calendar arithmetic on them. */
const formats = new Map<string, Intl.DateTimeFormat>();

export function dayKeyIn(ms: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(tz, f);
  }
  return f.format(ms);
}

const parse = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!);
};
const key = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return key(parse(day) + n * 86_400_000);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

export function daysInMonth(day: string): number {
  const [y, m] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).getUTCDate();
}

export function monthEnd(day: string): string {
  return `${day.slice(0, 8)}${String(daysInMonth(day)).padStart(2, '0')}`;
}

/** Days from a to b inclusive (1 when equal). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parse(b) - parse(a)) / 86_400_000) + 1;
}

export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** How much of the day has passed at an instant in the zone, 0–1. */
export function dayFraction(ms: number, tz: string): number {
  let f = clockFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    clockFormats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return (Number(p.hour) * 60 + Number(p.minute)) / 1440;
}
