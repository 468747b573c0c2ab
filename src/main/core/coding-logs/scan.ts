import fs from 'node:fs/promises';
import path from 'node:path';

/** The .jsonl files under a root, recursively (Claude Code nests subagent transcripts), modified since `since`. */
export async function listLogFiles(root: string, since: number): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 8) await walk(p, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.jsonl')) {
        try {
          if ((await fs.stat(p)).mtimeMs >= since) out.push(p);
        } catch {
          // Removed between the listing and the stat.
        }
      }
    }
  };
  await walk(root, 0);
  return out.sort();
}
