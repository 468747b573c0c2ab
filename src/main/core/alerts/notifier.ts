import type { AlertNotification } from './format.js';

/**
 * Where alerts become something a person sees. The app passes one built on Electron's Notification (clicks open
 * the dashboard); headless mode passes node-notifier's; tests pass a recorder. The promise settles when the
 * desktop accepted (or refused) the notification, not when it is dismissed.
 */
export interface Notifier {
  readonly name: string;
  show(n: AlertNotification): Promise<void> | void;
}

export type { AlertNotification };
