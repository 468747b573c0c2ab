import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLogRoots } from '../../../../src/main/core/coding-logs/roots.js';

describe('defaultLogRoots', () => {
  it('uses the tools own folders under the home directory by default', () => {
    expect(defaultLogRoots({}, '/home/u')).toEqual({
      claude: [path.join('/home/u', '.claude', 'projects'), path.join('/home/u', '.config', 'claude', 'projects')],
      codex: [path.join('/home/u', '.codex', 'sessions')],
    });
  });

  it('follows CLAUDE_CONFIG_DIR (comma-separated roots) and CODEX_HOME', () => {
    expect(defaultLogRoots({ CLAUDE_CONFIG_DIR: '/a, /b', CODEX_HOME: '/c' }, '/home/u')).toEqual({
      claude: [path.join('/a', 'projects'), path.join('/b', 'projects')],
      codex: [path.join('/c', 'sessions')],
    });
  });
});
