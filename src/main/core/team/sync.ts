import type { Budget, BudgetOverride } from '../../contract/budgets.js';
import type { Logger } from '../util/log.js';
import type { TeamLink } from './connect.js';
import type { FailMode } from './shared-admission.js';

/**
 * What the team shares besides spend: budget definitions, overrides, the pause and enforcement switches, and
 * each budget's fail mode. No provider key or Tollgate key is in it: keys stay on each machine.
 */
export interface TeamDefinitions {
  budgets: Budget[];
  overrides: BudgetOverride[];
  paused: boolean;
  hardStopEnforcement: boolean;
  failModes: Record<string, FailMode>;
}

interface Stored extends TeamDefinitions {
  from: string;
  at: number;
}

/**
 * One JSON document under `<prefix>defs`, and a message on the channel of the same name when it changes: each
 * instance reads the document again when told. An edit made while the link is down is pushed when it comes back
 * (the last edit to reach Redis wins).
 */
export function createSync(d: { link: TeamLink; prefix: string; instanceId: string; now: () => number; read: () => TeamDefinitions; apply: (t: TeamDefinitions) => void; log: Logger }) {
  const key = `${d.prefix}defs`;
  let dirty = false;

  async function push() {
    dirty = true;
    if (d.link.state !== 'up') return;
    const doc: Stored = { ...d.read(), from: d.instanceId, at: d.now() };
    try {
      await d.link.redis.set(key, JSON.stringify(doc));
      dirty = false;
      await d.link.redis.publish(key, d.instanceId);
    } catch (e) {
      d.log.warn('team: could not share budget definitions', { error: (e as Error).message });
    }
  }

  async function pull() {
    try {
      const text = await d.link.redis.get(key);
      if (text === null) return push();
      d.apply(JSON.parse(text) as Stored);
    } catch (e) {
      d.log.warn('team: could not read budget definitions', { error: (e as Error).message });
    }
  }

  return {
    push,
    pull,
    /** Resolves once subscribed and the first pull is done (or the link is down). */
    async start(): Promise<void> {
      d.link.sub.on('message', (channel: string, from: string) => {
        if (channel === key && from !== d.instanceId) void pull();
      });
      d.link.onChange((s) => {
        if (s === 'up') void (dirty ? push() : pull());
      });
      await d.link.sub.subscribe(key).catch(() => {});
      if (d.link.state === 'up') await pull();
    },
  };
}
