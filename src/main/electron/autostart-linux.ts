/**
 * "Start at login" on Linux, where Electron's setLoginItemSettings does nothing: an XDG autostart entry
 * (https://specifications.freedesktop.org/autostart-spec/latest/). Plain Node, so it is tested without Electron.
 */
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'tollgate.desktop';

/** Desktop-entry Exec quoting: arguments with spaces or specials in double quotes, with \ " ` $ escaped. */
function quoteExec(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function createLinuxAutostart(opts: { configDir: string; command: string[] }) {
  const file = path.join(opts.configDir, 'autostart', FILE);
  return {
    file,
    get(): boolean {
      try {
        const text = fs.readFileSync(file, 'utf8');
        return !/^\s*(Hidden\s*=\s*true|X-GNOME-Autostart-enabled\s*=\s*false)\s*$/im.test(text);
      } catch {
        return false;
      }
    },
    set(enabled: boolean): void {
      if (!enabled) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const entry = [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Tollgate',
        'Comment=Keep AI API spend under control',
        `Exec=${opts.command.map(quoteExec).join(' ')}`,
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n');
      fs.writeFileSync(file, entry, { mode: 0o644 });
    },
  };
}
