import fs from 'node:fs';
import path from 'node:path';

/**
 * Where electron-vite put the built dashboard (out/renderer), found from where this code runs: the built
 * out/main/headless.js and the source under tsx sit at different depths. null when there is no build.
 */
export function findDashboardRoot(fromDir: string, maxUp = 6): string | null {
  let dir = path.resolve(fromDir);
  for (let i = 0; i <= maxUp; i++) {
    const candidates = path.basename(dir) === 'out' ? [path.join(dir, 'renderer')] : [path.join(dir, 'out', 'renderer')];
    for (const c of candidates) if (fs.existsSync(path.join(c, 'index.html'))) return c;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}
