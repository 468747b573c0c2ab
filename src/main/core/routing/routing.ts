import fs from 'node:fs';
import path from 'node:path';
import type { RoutingStatusDto, RoutingToolStatus } from '../../contract/routing.js';
import type { Clock } from '../util/clock.js';
import { ValidationError } from '../util/validation.js';
import { readClaudeBaseUrl, routeClaudeSettings, type EditResult } from './claude-settings.js';
import { CODEX_PROVIDER_ID, readCodexRoute, routeCodexConfig } from './codex-config.js';
import { readMaybe, sha256, writeAtomic } from './file-io.js';
import { ROUTED_TOOLS, routedFile, type RoutedTool } from './targets.js';

/** What Tollgate remembers of a file it wrote: enough to tell a hand edit from its own and to undo to the byte. */
interface WriteRecord {
  file: string;
  /** true: there was no file; undo removes it. */
  created: boolean;
  /** sha256 of the bytes Tollgate wrote. */
  wrote: string;
  baseUrl: string;
  at: number;
}

/** A refused write: reaches clients as an input error with the message in words (what is wrong, nothing written). */
export class RoutingRefused extends ValidationError {
  constructor(message: string) {
    super('tool', message, message);
    this.name = 'RoutingRefused';
  }
}

export interface RoutingDeps {
  /** Tollgate's data folder: the records and the backups live in its routing/ folder. */
  dataDir: string;
  env: Record<string, string | undefined>;
  home?: string;
  clock: Clock;
  /** The running proxy's address ("http://127.0.0.1:4848"); null before it listens. */
  proxyUrl: () => string | null;
}

export interface Routing {
  status(): RoutingStatusDto;
  apply(tool: RoutedTool): RoutingToolStatus;
  undo(tool: RoutedTool): RoutingToolStatus;
}

const NAMES: Record<RoutedTool, string> = { 'claude-code': 'Claude Code', codex: 'Codex' };

/** The base URL each tool is given: Anthropic's route without /v1 (Claude Code adds it), OpenAI's with it. */
export function toolBaseUrl(tool: RoutedTool, proxyUrl: string): string {
  // A tool on this machine reaches a Tollgate bound to every address through loopback.
  const local = proxyUrl.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  return tool === 'claude-code' ? `${local}/anthropic` : `${local}/openai/v1`;
}

function currentRoute(tool: RoutedTool, text: string | null): { baseUrl: string | null; problem: string | null } {
  if (tool === 'claude-code') return readClaudeBaseUrl(text);
  const r = readCodexRoute(text);
  return { baseUrl: r.provider === CODEX_PROVIDER_ID ? r.baseUrl : null, problem: r.problem };
}

const edit = (tool: RoutedTool, text: string | null, baseUrl: string): EditResult =>
  tool === 'claude-code' ? routeClaudeSettings(text, baseUrl) : routeCodexConfig(text, baseUrl);

/**
 * "Route Claude Code / Codex through Tollgate": one edit to the tool's own settings file, a byte-for-byte backup
 * of what was there, and an undo that puts it back. A file Tollgate cannot parse, or that changed since Tollgate
 * wrote it, is never written: the person who changed it decides.
 */
export function createRouting(d: RoutingDeps): Routing {
  const dir = path.join(d.dataDir, 'routing');
  const recordFile = (tool: RoutedTool) => path.join(dir, `${tool}.json`);
  const backupFile = (tool: RoutedTool) => path.join(dir, `${tool}.backup`);
  const fileOf = (tool: RoutedTool) => routedFile(tool, d.env, d.home);

  function recordOf(tool: RoutedTool): WriteRecord | null {
    const raw = readMaybe(recordFile(tool));
    if (!raw) return null;
    try {
      const r = JSON.parse(raw.toString('utf8')) as WriteRecord;
      return typeof r.wrote === 'string' && typeof r.file === 'string' ? r : null;
    } catch {
      return null;
    }
  }

  function statusOf(tool: RoutedTool): RoutingToolStatus {
    const file = fileOf(tool);
    const proxy = d.proxyUrl();
    const wanted = proxy ? toolBaseUrl(tool, proxy) : null;
    const rec = recordOf(tool);
    const bytes = readMaybe(file);
    const text = bytes?.toString('utf8') ?? null;
    const base = { tool, name: NAMES[tool], file, wantedBaseUrl: wanted, backup: rec ? backupFile(tool) : null };
    if (rec && rec.file === file) {
      if (bytes && sha256(bytes) === rec.wrote) {
        return { ...base, state: 'routed', managed: true, baseUrl: rec.baseUrl, message: rec.baseUrl === wanted || !wanted ? null : `Routed to ${rec.baseUrl}; Tollgate now listens at ${wanted}: route again to update it.` };
      }
      return {
        ...base,
        state: 'changed',
        managed: true,
        baseUrl: currentRoute(tool, text).baseUrl,
        message: `${file} was ${bytes ? 'changed' : 'removed'} by hand since Tollgate wrote it, so Tollgate will not write it again or undo; the original is kept at ${backupFile(tool)}.`,
      };
    }
    const cur = currentRoute(tool, text);
    if (cur.problem) return { ...base, state: 'malformed', managed: false, baseUrl: null, message: `Tollgate cannot read ${file}: ${cur.problem}. Fix it by hand; Tollgate will not write it.` };
    if (cur.baseUrl && cur.baseUrl === wanted) return { ...base, state: 'routed', managed: false, baseUrl: cur.baseUrl, message: 'Routed by hand (Tollgate has nothing to undo).' };
    return { ...base, state: 'not-routed', managed: false, baseUrl: cur.baseUrl, message: cur.baseUrl ? `It points at ${cur.baseUrl}.` : null };
  }

  return {
    status: () => ({ tools: ROUTED_TOOLS.map(statusOf) }),
    apply(tool) {
      const proxy = d.proxyUrl();
      if (!proxy) throw new RoutingRefused('Tollgate is not listening yet.');
      const now = statusOf(tool);
      if (now.state === 'malformed' || now.state === 'changed') throw new RoutingRefused(now.message!);
      const file = fileOf(tool);
      const wanted = toolBaseUrl(tool, proxy);
      const before = readMaybe(file);
      const rec = recordOf(tool);
      // Its settings folder moved (CLAUDE_CONFIG_DIR, CODEX_HOME) since Tollgate wrote the other file: one backup each.
      if (rec && rec.file !== file) throw new RoutingRefused(`Tollgate routed ${NAMES[tool]} in ${rec.file}; undo that first.`);
      const result = edit(tool, before?.toString('utf8') ?? null, wanted);
      if (!result.ok) throw new RoutingRefused(`Tollgate cannot edit ${file}: ${result.message}. It was left as it was.`);
      if (before && result.text === before.toString('utf8')) return statusOf(tool);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // The backup is the file before Tollgate's first write; a later write (a new port) keeps it.
      const managed = rec && now.managed;
      if (!managed && before) writeAtomic(backupFile(tool), before);
      const created = managed ? rec.created : before === null;
      writeAtomic(file, result.text);
      const next: WriteRecord = { file, created, wrote: sha256(result.text), baseUrl: wanted, at: d.clock.now() };
      writeAtomic(recordFile(tool), JSON.stringify(next, null, 2));
      return statusOf(tool);
    },
    undo(tool) {
      const rec = recordOf(tool);
      if (!rec) throw new RoutingRefused(`Tollgate did not route ${NAMES[tool]}: there is nothing to undo.`);
      // The file Tollgate wrote, wherever the settings folder points now.
      const bytes = readMaybe(rec.file);
      if (!bytes || sha256(bytes) !== rec.wrote) {
        throw new RoutingRefused(`${rec.file} was ${bytes ? 'changed' : 'removed'} by hand since Tollgate wrote it, so Tollgate will not undo; the original is kept at ${backupFile(tool)}.`);
      }
      if (rec.created) fs.rmSync(rec.file, { force: true });
      else {
        const original = readMaybe(backupFile(tool));
        if (!original) throw new RoutingRefused(`The backup ${backupFile(tool)} is missing; ${rec.file} was left as it is.`);
        writeAtomic(rec.file, original);
      }
      fs.rmSync(recordFile(tool), { force: true });
      fs.rmSync(backupFile(tool), { force: true });
      return statusOf(tool);
    },
  };
}
