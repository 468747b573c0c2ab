import type { FormattingOptions, ParseError } from 'jsonc-parser';
import { lazyRequire } from '../util/lazy-require.js';

/** Read only when routing is looked at or changed, not on every start. */
const jsonc = lazyRequire<typeof import('jsonc-parser')>('jsonc-parser');

/** The one key Tollgate sets: Claude Code sends its requests to `<base>/v1/messages`. */
export const CLAUDE_KEY = ['env', 'ANTHROPIC_BASE_URL'] as const;

export type EditResult = { ok: true; text: string } | { ok: false; message: string };

/** Indentation and line ends as the file already has them, so an inserted key looks like its neighbours. */
function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/** Parses settings.json as Claude Code's JSON-with-comments; null and a message when it is not an object. */
function rootOf(text: string) {
  const errors: ParseError[] = [];
  const root = jsonc().parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0]!;
    const line = text.slice(0, e.offset).split('\n').length;
    return { root: null, message: `it is not valid JSON (${jsonc().printParseErrorCode(e.error)} on line ${line})` };
  }
  if (!root || root.type !== 'object') return { root: null, message: 'it does not hold a JSON object' };
  const env = jsonc().findNodeAtLocation(root, ['env']);
  if (env && env.type !== 'object') return { root: null, message: '"env" is not an object' };
  return { root, message: '' };
}

/** The base URL the file sets, or null; a message when the file cannot be read as settings. */
export function readClaudeBaseUrl(text: string | null): { baseUrl: string | null; problem: string | null } {
  if (text === null || text.trim() === '') return { baseUrl: null, problem: null };
  const { root, message } = rootOf(text);
  if (!root) return { baseUrl: null, problem: message };
  const n = jsonc().findNodeAtLocation(root, [...CLAUDE_KEY]);
  return { baseUrl: typeof n?.value === 'string' ? n.value : null, problem: null };
}

/**
 * settings.json with env.ANTHROPIC_BASE_URL set and nothing else changed: jsonc-parser edits the text in place,
 * so comments, key order and formatting stay. A missing or empty file becomes a small new one.
 */
export function routeClaudeSettings(text: string | null, baseUrl: string): EditResult {
  if (text === null || text.trim() === '') return { ok: true, text: `${JSON.stringify({ env: { ANTHROPIC_BASE_URL: baseUrl } }, null, 2)}\n` };
  const { root, message } = rootOf(text);
  if (!root) return { ok: false, message };
  const edits = jsonc().modify(text, [...CLAUDE_KEY], baseUrl, { formattingOptions: formattingOf(text) });
  const out = jsonc().applyEdits(text, edits);
  if (readClaudeBaseUrl(out).baseUrl !== baseUrl) return { ok: false, message: 'Tollgate could not edit it safely' };
  return { ok: true, text: out };
}
