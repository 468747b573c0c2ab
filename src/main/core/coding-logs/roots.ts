import os from 'node:os';
import path from 'node:path';

/** Where Claude Code and Codex keep their logs, from the same environment variables the tools read. */
export function defaultLogRoots(env: Record<string, string | undefined>, home = os.homedir()): { claude: string[]; codex: string[] } {
  const claudeDirs = env.CLAUDE_CONFIG_DIR
    ? env.CLAUDE_CONFIG_DIR.split(',').map((s) => s.trim()).filter(Boolean)
    : [path.join(home, '.claude'), path.join(home, '.config', 'claude')];
  const codexHome = env.CODEX_HOME || path.join(home, '.codex');
  return { claude: claudeDirs.map((d) => path.join(d, 'projects')), codex: [path.join(codexHome, 'sessions')] };
}
