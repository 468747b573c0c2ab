import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDashboardRoot } from '../../../../src/main/core/dashboard/locate.js';
import { tempDir } from '../../../support/harness.js';

describe('finding the built dashboard', () => {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'out/renderer'), { recursive: true });
  fs.mkdirSync(path.join(root, 'out/main'), { recursive: true });
  fs.mkdirSync(path.join(root, 'src/main/core'), { recursive: true });
  fs.mkdirSync(path.join(root, 'src/renderer'), { recursive: true });
  // The unbuilt source page must never be served.
  fs.writeFileSync(path.join(root, 'src/renderer/index.html'), 'source');

  it('is null before a build', () => {
    expect(findDashboardRoot(path.join(root, 'src/main/core'))).toBeNull();
  });

  it('is found from the built bundle and from the source alike', () => {
    fs.writeFileSync(path.join(root, 'out/renderer/index.html'), 'built');
    expect(findDashboardRoot(path.join(root, 'out/main'))).toBe(path.join(root, 'out/renderer'));
    expect(findDashboardRoot(path.join(root, 'src/main/core'))).toBe(path.join(root, 'out/renderer'));
  });
});
