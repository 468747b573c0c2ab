import { describe, expect, it } from 'vitest';
import type { ApiEvents, EventName, TollgateApi } from '../../../src/main/contract/api';
import { ApiError } from '../../../src/renderer/src/api/errors';
import { createIpcTransport } from '../../../src/renderer/src/api/ipc-transport';
import type { ConnectionState } from '../../../src/renderer/src/api/transport';

/** A stand-in for the preload's bridge: channels that return or throw as contextBridge delivers them, and onEvent. */
function bridge(withEvents: boolean) {
  const subs = new Map<string, Set<(p: unknown) => void>>();
  const b = {
    'keys.list': async () => [{ id: 'key_1' }],
    // contextBridge keeps only an Error's message: the field must be recovered from it.
    'settings.update': async () => {
      throw new Error('timezone: "Mars" is not a time zone');
    },
    ...(withEvents
      ? {
          onEvent<E extends EventName>(name: E, cb: (payload: ApiEvents[E]) => void) {
            let s = subs.get(name);
            if (!s) subs.set(name, (s = new Set()));
            s.add(cb as (p: unknown) => void);
            return () => s.delete(cb as (p: unknown) => void);
          },
        }
      : {}),
  };
  return { b: b as unknown as TollgateApi, push: (name: string, p: unknown) => subs.get(name)?.forEach((cb) => cb(p)), subs };
}

describe('IPC transport', () => {
  it('calls the preload channels and turns thrown messages back into field errors', async () => {
    const t = createIpcTransport(bridge(true).b);
    await expect(t.api['keys.list']()).resolves.toEqual([{ id: 'key_1' }]);
    const err = await t.api['settings.update']({ timezone: 'Mars' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ field: 'timezone', code: 'invalid' });
    await expect(t.api['usage.sources']()).rejects.toThrow(/does not offer "usage.sources"/);
  });

  it('listens to core events through onEvent and lets go of them', () => {
    const { b, push, subs } = bridge(true);
    const t = createIpcTransport(b);
    const got: [string, unknown][] = [];
    const states: ConnectionState[] = [];
    const stop = t.subscribe((n, p) => got.push([n, p]), (s) => states.push(s));
    push('request.recorded', { id: 'req_1' });
    push('usage.connectionsChanged', []);
    expect(got).toEqual([
      ['request.recorded', { id: 'req_1' }],
      ['usage.connectionsChanged', []],
    ]);
    expect(states).toEqual(['live']);
    stop();
    expect([...subs.values()].every((s) => s.size === 0)).toBe(true);
  });

  it('falls back to polling without an event source', () => {
    const states: ConnectionState[] = [];
    createIpcTransport(bridge(false).b).subscribe(() => {}, (s) => states.push(s));
    expect(states).toEqual(['polling']);
  });
});
