import os from 'node:os';
import path from 'node:path';

export type RoutedTool = 'claude-code' | 'codex';
export const ROUTED_TOOLS: readonly RoutedTool[] = ['claude-code', 'codex'];

/**
 * The user settings file each tool reads, from the same variables the tools read: Claude Code's first
 * CLAUDE_CONFIG_DIR entry (it may list several) or ~/.claude, and $CODEX_HOME or ~/.codex.
 */
export function routedFile(tool: RoutedTool, env: Record<string, string | undefined>, home = os.homedir()): string {
  if (tool === 'claude-code') {
    const dir = env.CLAUDE_CONFIG_DIR?.split(',').map((s) => s.trim()).find(Boolean) ?? path.join(home, '.claude');
    return path.join(dir, 'settings.json');
  }
  return path.join(env.CODEX_HOME || path.join(home, '.codex'), 'config.toml');
}
