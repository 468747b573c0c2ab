import type { AlertNotification } from './format.js';

/**
 * Where alerts become something a person sees: node-notifier in headless mode and, on macOS and Windows, in the
 * app (see chooseNotifier); tests pass a recorder. The promise settles when the
 * desktop accepted (or refused) the notification, not when it is dismissed.
 */
export interface Notifier {
  readonly name: string;
  show(n: AlertNotification): Promise<void> | void;
}

export type { AlertNotification };

/**
 * Tries the primary notifier and falls back to the second when it fails (notify-send missing, a helper binary
 * that cannot run), so an alert is never lost to a broken backend.
 */
export function withFallback(primary: Notifier, fallback: Notifier | null): Notifier {
  if (!fallback) return primary;
  return {
    name: `${primary.name} (falls back to ${fallback.name})`,
    async show(n) {
      try {
        await primary.show(n);
      } catch {
        await fallback.show(n);
      }
    },
  };
}

/**
 * The app's notifier. node-notifier (terminal-notifier on macOS, SnoreToast on Windows) reports clicks, which open
 * the dashboard on the budget; on Linux its notify-send backend cannot, so Electron's Notification (libnotify with
 * a default action) shows them there. Each falls back to the other if its backend fails.
 */
export function chooseNotifier(platform: NodeJS.Platform, nodeNotifier: Notifier, electron: Notifier | null): Notifier {
  if (platform === 'linux' && electron) return withFallback(electron, nodeNotifier);
  return withFallback(nodeNotifier, electron);
}
