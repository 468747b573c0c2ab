/** The BUILT preload (out/preload/index.cjs), loaded in plain Node with a recording contextBridge and ipcRenderer. */
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/main/contract/api.js';
import type { TollgateBridge } from '../../src/preload/index.d';
import { buildApp, ROOT } from '../support/stub-app.js';

type Listener = (event: unknown, ...args: unknown[]) => void;
const exposed: Record<string, unknown> = {};
const invokes: [string, unknown][] = [];
const listeners = new Map<string, Listener[]>();
let answer: (channel: string, input: unknown) => unknown = () => ({ ok: true, data: null });
const page = { location: { hash: '' } };
let bridge: TollgateBridge;
let outDir: string;

beforeAll(() => {
  outDir = buildApp();
  Object.assign(globalThis, {
    location: page.location,
    __preloadStub: {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          invokes.push([channel, input]);
          return answer(channel, input);
        },
        on: (channel: string, l: Listener) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      },
    },
  });
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? path.join(ROOT, 'test/support/electron-stub/preload-electron.cjs') : resolve.call(this, request, ...rest);
  };
  try {
    createRequire(import.meta.url)(path.join(outDir, 'preload/index.cjs'));
  } finally {
    M._resolveFilename = resolve;
  }
  bridge = exposed.tollgate as TollgateBridge;
}, 60_000);

afterAll(() => {
  delete (globalThis as Record<string, unknown>).__preloadStub;
  delete (globalThis as Record<string, unknown>).location;
  fs.rmSync(outDir, { recursive: true, force: true });
});

const fire = (channel: string, ...args: unknown[]) => {
  for (const l of listeners.get(channel) ?? []) l({ sender: 'ipc' }, ...args);
};

describe('the preload', () => {
  it('exposes one method per channel and onEvent, and nothing of ipcRenderer', () => {
    expect(Object.keys(exposed)).toEqual(['tollgate']);
    expect(Object.keys(bridge).sort()).toEqual([...CHANNELS, 'onEvent'].sort());
    for (const v of Object.values(bridge)) expect(typeof v).toBe('function');
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|invoke|send/i);
  });

  it('invokes the fixed channel with the input and unwraps the envelope', async () => {
    answer = () => ({ ok: true, data: { paused: false } });
    await expect(bridge['settings.get']()).resolves.toEqual({ paused: false });
    await bridge['spend.query']({ groupBy: ['model'] });
    expect(invokes.slice(-2)).toEqual([
      ['settings.get', undefined],
      ['spend.query', { groupBy: ['model'] }],
    ]);
  });

  it('turns an error envelope into an Error carrying code and field', async () => {
    answer = () => ({ ok: false, error: { code: 'invalid', message: 'paused: must be true or false', field: 'paused' } });
    const err = await bridge['settings.update']({ paused: 'x' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ message: 'paused: must be true or false', code: 'invalid', field: 'paused' });
  });

  it('delivers core events to subscribers of that event only, until they unsubscribe', () => {
    expect([...listeners.keys()].sort()).toEqual(['tollgate:event', 'tollgate:navigate']);
    const got: unknown[] = [];
    const other: unknown[] = [];
    const off = bridge.onEvent('request.recorded', (r) => got.push(r));
    bridge.onEvent('budget.alert', (a) => other.push(a));
    fire('tollgate:event', 'request.recorded', { id: 'r1' });
    fire('tollgate:event', 'request.recorded', { id: 'r2' });
    off();
    fire('tollgate:event', 'request.recorded', { id: 'r3' });
    expect(got).toEqual([{ id: 'r1' }, { id: 'r2' }]);
    expect(other).toEqual([]);
    // The subscriber gets the payload, never the IPC event object.
    fire('tollgate:event', 'budget.alert', { id: 'a1' });
    expect(other).toEqual([{ id: 'a1' }]);
  });

  it('keeps other subscribers going when one throws, and refuses unknown events', () => {
    const got: unknown[] = [];
    bridge.onEvent('status.changed', () => {
      throw new Error('boom');
    });
    bridge.onEvent('status.changed', (s) => got.push(s));
    const error = console.error;
    console.error = () => undefined;
    try {
      fire('tollgate:event', 'status.changed', { paused: true });
    } finally {
      console.error = error;
    }
    expect(got).toEqual([{ paused: true }]);
    expect(() => bridge.onEvent('nope' as never, () => undefined)).toThrow(/No event "nope"/);
  });

  it('routes the page when main asks to show a budget, and ignores anything that is not a route', () => {
    fire('tollgate:navigate', '#/budgets/b7');
    expect(page.location.hash).toBe('#/budgets/b7');
    fire('tollgate:navigate', 'javascript:alert(1)');
    fire('tollgate:navigate', 42);
    expect(page.location.hash).toBe('#/budgets/b7');
  });
});
