import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, EVENT_NAMES, type ApiEvents, type Channel, type EventName, type TollgateApi } from '../main/contract/api.js';
import { IPC_EVENT, IPC_NAVIGATE } from '../main/contract/ipc.js';
import type { TollgateEventSource } from './index.d';

/**
 * One method per channel, each a fixed invoke: the renderer never sees ipcRenderer. Results arrive in the
 * { ok, data | error } envelope and are unwrapped here so renderer code gets values or Errors.
 */
const api = Object.fromEntries(
  CHANNELS.map((channel: Channel) => [
    channel,
    async (input: unknown) => {
      const r = (await ipcRenderer.invoke(channel, input)) as { ok: boolean; data?: unknown; error?: { message: string } };
      if (!r.ok) throw Object.assign(new Error(r.error?.message ?? 'failed'), r.error);
      return r.data;
    },
  ]),
) as unknown as TollgateApi;

// One IPC listener for all core events, fanned out here, so subscribers never touch ipcRenderer or its event.
const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
const known = new Set<string>(EVENT_NAMES);
ipcRenderer.on(IPC_EVENT, (_event, name: unknown, payload: unknown) => {
  const set = typeof name === 'string' ? listeners.get(name as EventName) : undefined;
  if (!set) return;
  for (const cb of [...set]) {
    try {
      cb(payload);
    } catch (err) {
      console.error(`tollgate: a listener for ${String(name)} failed`, err);
    }
  }
});

const events: TollgateEventSource = {
  onEvent<E extends EventName>(name: E, cb: (payload: ApiEvents[E]) => void) {
    if (!known.has(name)) throw new Error(`No event "${String(name)}". Events: ${EVENT_NAMES.join(', ')}`);
    if (typeof cb !== 'function') throw new TypeError('onEvent needs a callback');
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    const listener = cb as (payload: unknown) => void;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

// Main asks to show a budget (a notification or a tray item was clicked): the dashboard routes on location.hash.
ipcRenderer.on(IPC_NAVIGATE, (_event, hash: unknown) => {
  // The preload is type-checked without the DOM library; `location` is the page's, shared with the isolated world.
  const page = globalThis as unknown as { location: { hash: string } };
  if (typeof hash === 'string' && hash.startsWith('#/')) page.location.hash = hash;
});

contextBridge.exposeInMainWorld('tollgate', { ...api, ...events });
