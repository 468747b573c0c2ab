import { app } from 'electron';
import { createLinuxAutostart } from './autostart-linux.js';

export interface LoginItem {
  /** null where the platform has no such thing. */
  get(): boolean | null;
  set(enabled: boolean): void;
}

/** "Start at login": Electron's login items on macOS and Windows, an XDG autostart entry on Linux. */
export function createLoginItem(platform: NodeJS.Platform): LoginItem {
  if (platform === 'darwin' || platform === 'win32') {
    return {
      get: () => app.getLoginItemSettings().openAtLogin,
      set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    };
  }
  if (platform === 'linux') {
    // An AppImage is started through its own file; an unpackaged run needs the app folder after electron.
    const command = process.env.APPIMAGE ? [process.env.APPIMAGE] : process.defaultApp ? [process.execPath, app.getAppPath()] : [process.execPath];
    const autostart = createLinuxAutostart({ configDir: app.getPath('appData'), command });
    return { get: () => autostart.get(), set: (enabled) => autostart.set(enabled) };
  }
  return { get: () => null, set: () => undefined };
}
