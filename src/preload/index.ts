import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, type Channel, type TollgateApi } from '../main/contract/api.js';

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

contextBridge.exposeInMainWorld('tollgate', api);

/** Core events pushed by the main process as webContents.send(EVENT_CHANNEL, name, payload). */
export const EVENT_CHANNEL = 'tollgate:event';

contextBridge.exposeInMainWorld('tollgateEvents', {
  on(listener: (name: string, payload: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (typeof name === 'string') listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
