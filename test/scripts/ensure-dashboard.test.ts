import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardStale } from '../../scripts/ensure-dashboard.js';
import { tempDir } from '../support/harness.js';

function touch(file: string, mtimeMs: number) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x');
  fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
}

/** Folders count too (a file added or removed changes its folder's time): age them all. */
function ageFolders(dir: string, mtimeMs: number) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) ageFolders(path.join(dir, e.name), mtimeMs);
  fs.utimesSync(dir, mtimeMs / 1000, mtimeMs / 1000);
}

/** A build is the dashboard and the headless entry `npm run serve` runs. */
function built(root: string, mtimeMs: number) {
  touch(path.join(root, 'out/renderer/index.html'), mtimeMs);
  touch(path.join(root, 'out/main/headless.js'), mtimeMs);
}

describe('npm run serve builds the dashboard only when it must', () => {
  it('builds when there is no build', () => {
    expect(dashboardStale(tempDir())).toBe('not built yet');
  });

  it('rebuilds when a source is newer than the build, and not otherwise', () => {
    const root = tempDir();
    const t = Date.now() - 60_000;
    touch(path.join(root, 'src/renderer/src/App.tsx'), t);
    touch(path.join(root, 'src/main/contract/api.ts'), t);
    built(root, t + 1000);
    ageFolders(path.join(root, 'src'), t);
    expect(dashboardStale(root)).toBeNull();
    touch(path.join(root, 'src/main/contract/api.ts'), t + 2000);
    expect(dashboardStale(root)).toBe('src/main changed since the last build');
  });

  it('rebuilds when the headless entry is missing or the core changed', () => {
    const root = tempDir();
    const t = Date.now() - 60_000;
    touch(path.join(root, 'src/main/core/headless.ts'), t);
    touch(path.join(root, 'out/renderer/index.html'), t + 1000);
    ageFolders(path.join(root, 'src'), t);
    expect(dashboardStale(root)).toBe('not built yet');
    built(root, t + 1000);
    expect(dashboardStale(root)).toBeNull();
    touch(path.join(root, 'src/main/core/headless.ts'), t + 2000);
    expect(dashboardStale(root)).toBe('src/main changed since the last build');
  });

  it('rebuilds when a source file was added', () => {
    const root = tempDir();
    const t = Date.now() - 60_000;
    built(root, t + 1000);
    fs.mkdirSync(path.join(root, 'src/renderer'), { recursive: true });
    ageFolders(path.join(root, 'src'), t);
    expect(dashboardStale(root)).toBeNull();
    fs.writeFileSync(path.join(root, 'src/renderer/New.tsx'), 'x');
    expect(dashboardStale(root)).toBe('src/renderer changed since the last build');
  });
});
