import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, EVENT_NAMES, type ApiResult, type TollgateApi } from '../contract/api.js';
import { IPC_EVENT } from '../contract/ipc.js';
import { toApiError } from '../core/admin/errors.js';
import type { CoreEvents } from '../core/create-core.js';
import type { Emitter } from '../core/util/events.js';
import type { Logger } from '../core/util/log.js';

const FORBIDDEN: ApiResult<never> = { ok: false, error: { code: 'forbidden', message: 'Only Tollgate\'s own window may call this.' } };

/**
 * The contract over IPC: one ipcMain.handle per channel, answering in the { ok, data | error } envelope (invoke
 * would lose an error's details), and core events forwarded to Tollgate's windows. A sender that is not one of
 * Tollgate's windows, showing Tollgate's own page in its main frame, is refused without reaching the core.
 */
export function registerIpc(deps: {
  api: TollgateApi;
  events: Pick<Emitter<CoreEvents>, 'on'>;
  /** The web contents of Tollgate's own windows (live ones). */
  windows: () => WebContents[];
  isAppPage: (url: string) => boolean;
  log: Logger;
}): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const wc = event.sender;
    if (!deps.windows().includes(wc)) return false;
    const frame = event.senderFrame;
    // A sub-frame (an iframe some content slipped in) never speaks for the window.
    if (!frame || frame !== wc.mainFrame) return false;
    return deps.isAppPage(frame.url);
  };

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, input: unknown): Promise<ApiResult<unknown>> => {
      if (!trusted(event)) {
        deps.log.warn('refused an IPC call from outside Tollgate\'s window', { channel, url: event.senderFrame?.url ?? null });
        return FORBIDDEN;
      }
      try {
        const handler = deps.api[channel] as (input: unknown) => Promise<unknown>;
        return { ok: true, data: await handler(input ?? {}) };
      } catch (err) {
        return { ok: false, error: toApiError(err).error };
      }
    });
  }

  const offs = EVENT_NAMES.map((name) =>
    deps.events.on(name, (payload) => {
      for (const wc of deps.windows()) {
        if (!wc.isDestroyed() && deps.isAppPage(wc.getURL())) wc.send(IPC_EVENT, name, payload);
      }
    }),
  );

  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    for (const off of offs) off();
  };
}
