import type { TeamRollupDto, TeamMemberDay } from '../../contract/api-team.js';
import type { RollupRow } from '../../contract/usage.js';
import type { TeamLink } from './connect.js';

const FORTY_DAYS_MS = 40 * 86_400_000;

/** One instance's day, summed from its ledger's rollup rows. */
export function memberDay(instanceId: string, rows: readonly RollupRow[], at: number): TeamMemberDay {
  const day: TeamMemberDay = { instanceId, requests: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, at, byModel: {} };
  for (const r of rows) {
    day.requests += r.requests;
    day.costUsd += r.costUsd;
    day.inputTokens += r.inputTokens;
    day.outputTokens += r.outputTokens;
    const m = (day.byModel[r.model] ??= { requests: 0, costUsd: 0 });
    m.requests += r.requests;
    m.costUsd += r.costUsd;
  }
  return day;
}

/**
 * The team's daily totals, for team views: each instance writes its own day to `<prefix>rollup:<day>` (a hash
 * field per instance) every few seconds, off the request path; reading sums the fields. Budget spend needs no
 * rollup here: the shared counters already are the team's.
 */
export function createRollupShare(d: { link: TeamLink; prefix: string; instanceId: string; now: () => number; dayKey: (ms: number) => string; rows: (day: string) => RollupRow[]; everyMs?: number }) {
  let timer: NodeJS.Timeout | null = null;
  const key = (day: string) => `${d.prefix}rollup:${day}`;

  async function push(): Promise<void> {
    if (d.link.state !== 'up') return;
    const now = d.now();
    const day = d.dayKey(now);
    await d.link.redis.hset(key(day), d.instanceId, JSON.stringify(memberDay(d.instanceId, d.rows(day), now)));
    await d.link.redis.pexpire(key(day), FORTY_DAYS_MS);
  }

  return {
    push,
    start(onError: (e: Error) => void) {
      timer = setInterval(() => void push().catch(onError), d.everyMs ?? 10_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
    async read(day?: string): Promise<TeamRollupDto> {
      const k = day ?? d.dayKey(d.now());
      await push();
      const members = Object.values(await d.link.redis.hgetall(key(k))).map((v) => JSON.parse(v) as TeamMemberDay);
      members.sort((a, b) => b.costUsd - a.costUsd);
      return { day: k, members, totals: { requests: members.reduce((s, m) => s + m.requests, 0), costUsd: members.reduce((s, m) => s + m.costUsd, 0) } };
    },
  };
}
