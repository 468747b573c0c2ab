import type NodeNotifier from 'node-notifier';
import { lazyRequire } from '../util/lazy-require.js';
import type { AlertNotification } from './format.js';
import type { Notifier } from './notifier.js';

/** Loaded with the first notification: a quiet server never shows one. */
const nodeNotifier = lazyRequire<typeof NodeNotifier>('node-notifier');

type NotifyFn = (options: Record<string, unknown>, cb: (err: Error | null, response: string, metadata?: { activationType?: string }) => void) => unknown;

/** Control characters would reach notify-send's command line or the macOS helper; keep line breaks, drop the rest. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const clean = (s: string) => s.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ');

/**
 * notify-send unescapes its body (g_strcompress: "\\" → "\"), and notification servers read the body as markup
 * (the Desktop Notifications spec's body-markup), so a budget called "R&D <team>" needs both undone to show as
 * written. The summary is plain text and passed as is.
 */
const notifySendBody = (s: string) => s.replace(/\\/g, '\\\\').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Desktop notifications through node-notifier: notify-send on Linux (libnotify-bin), terminal-notifier on
 * macOS, SnoreToast on Windows. Works without Electron, so headless mode notifies too. Clicks are reported by the
 * macOS and Windows backends only; notify-send has no way to say a notification was clicked.
 */
export function createNodeNotifier(
  opts: { appName?: string; icon?: string | null; onClick?: (n: AlertNotification) => void; platform?: NodeJS.Platform; notify?: NotifyFn } = {},
): Notifier {
  const notify: NotifyFn = opts.notify ?? ((o, cb) => nodeNotifier().notify(o, cb));
  const platform = opts.platform ?? process.platform;
  const wantsClick = Boolean(opts.onClick) && platform !== 'linux';
  return {
    name: 'node-notifier',
    show(n) {
      return new Promise<void>((resolve, reject) => {
        const options: Record<string, unknown> = {
          title: clean(n.title),
          message: platform === 'linux' ? notifySendBody(clean(n.body)) : clean(n.body),
          'app-name': opts.appName ?? 'Tollgate',
          appID: opts.appName ?? 'Tollgate',
          urgency: n.critical ? 'critical' : 'normal',
          // Seconds (node-notifier's unit); critical ones stay until dismissed where the desktop allows it.
          timeout: n.critical ? false : 10,
          wait: wantsClick,
        };
        if (opts.icon) options.icon = opts.icon;
        let settled = false;
        notify(options, (err, response, metadata) => {
          if (wantsClick && (response === 'activate' || metadata?.activationType === 'contentsClicked' || response === 'click')) opts.onClick?.(n);
          if (settled) return;
          settled = true;
          if (err) reject(err);
          else resolve();
        });
        // With `wait`, the callback comes only when the notification is dismissed or clicked.
        if (wantsClick) {
          settled = true;
          resolve();
        }
      });
    },
  };
}
