import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinuxAutostart } from '../../../src/main/electron/autostart-linux.js';
import { tempDir } from '../../support/harness.js';

describe('start at login on Linux (XDG autostart)', () => {
  it('writes, reads and removes an autostart entry with a safely quoted command', () => {
    const configDir = tempDir();
    const a = createLinuxAutostart({ configDir, command: ['/opt/My Apps/tollgate', '/home/me/$HOME"x'] });
    expect(a.get()).toBe(false);
    a.set(true);
    expect(a.file).toBe(path.join(configDir, 'autostart', 'tollgate.desktop'));
    const text = fs.readFileSync(a.file, 'utf8');
    expect(text.split('\n')).toContain('Exec="/opt/My Apps/tollgate" "/home/me/\\$HOME\\"x"');
    expect(text.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(a.get()).toBe(true);
    a.set(false);
    expect(fs.existsSync(a.file)).toBe(false);
    expect(a.get()).toBe(false);
    a.set(false);
  });

  it('reads an entry the desktop disabled as off', () => {
    const configDir = tempDir();
    const a = createLinuxAutostart({ configDir, command: ['/usr/bin/tollgate'] });
    a.set(true);
    fs.appendFileSync(a.file, 'Hidden=true\n');
    expect(a.get()).toBe(false);
  });
});
