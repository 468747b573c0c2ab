import { Notification } from 'electron';
import type { AlertNotification, Notifier } from '../core/alerts/notifier.js';

const KEEP = 20;

/**
 * Budget alerts as native notifications through Electron. Unlike node-notifier's notify-send backend, Electron
 * reports clicks on every platform (libnotify's default action on Linux), and the notification carries the
 * app's own name and icon. Notifications are kept referenced until closed: one that is garbage-collected stops
 * delivering its click.
 */
export function createElectronNotifier(opts: { icon?: string; onClick: (n: AlertNotification) => void }): Notifier {
  const live = new Set<Notification>();
  return {
    name: 'electron',
    show(n) {
      const note = new Notification({
        title: n.title,
        body: n.body,
        icon: opts.icon,
        urgency: n.critical ? 'critical' : 'normal',
        timeoutType: n.critical ? 'never' : 'default',
      });
      note.on('click', () => opts.onClick(n));
      note.on('close', () => live.delete(note));
      live.add(note);
      if (live.size > KEEP) live.delete(live.values().next().value as Notification);
      note.show();
    },
  };
}

export const electronNotificationsSupported = () => Notification.isSupported();
