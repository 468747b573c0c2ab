import { contextBridge, ipcRenderer } from 'electron';
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
