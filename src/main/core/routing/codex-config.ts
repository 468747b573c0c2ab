import { lazyRequire } from '../util/lazy-require.js';
import type { EditResult } from './claude-settings.js';

/** Read only when routing is looked at or changed, not on every start. */
const toml = lazyRequire<typeof import('smol-toml')>('smol-toml');

export const CODEX_PROVIDER_ID = 'tollgate';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function parsed(text: string): { doc: Obj | null; problem: string | null } {
  try {
    return { doc: toml().parse(text) as Obj, problem: null };
  } catch (err) {
    const first = (err as Error).message.split('\n')[0] ?? '';
    return { doc: null, problem: `it is not valid TOML (${first})` };
  }
}

/** The provider config.toml selects and that provider's base URL (Tollgate's entry only). */
export function readCodexRoute(text: string | null): { provider: string | null; baseUrl: string | null; problem: string | null } {
  if (text === null || text.trim() === '') return { provider: null, baseUrl: null, problem: null };
  const { doc, problem } = parsed(text);
  if (!doc) return { provider: null, baseUrl: null, problem };
  const provider = typeof doc.model_provider === 'string' ? doc.model_provider : null;
  const mine = isObj(doc.model_providers) ? doc.model_providers[CODEX_PROVIDER_ID] : undefined;
  const baseUrl = isObj(mine) && typeof mine.base_url === 'string' ? mine.base_url : null;
  return { provider, baseUrl, problem: null };
}

/** The entry Codex's docs describe for a custom Responses endpoint; Codex appends /responses to base_url. */
const providerBlock = (baseUrl: string, eol: string) =>
  [
    `[model_providers.${CODEX_PROVIDER_ID}]`,
    'name = "Tollgate"',
    `base_url = ${JSON.stringify(baseUrl)}`,
    'env_key = "OPENAI_API_KEY"',
    'wire_api = "responses"',
  ].join(eol) + eol;

/** Where the top-level keys end: TOML puts a key after a [table] header inside that table. */
const firstHeader = (text: string) => {
  const m = /^[ \t]*\[/m.exec(text);
  return m ? m.index : text.length;
};

/**
 * config.toml with a `tollgate` model provider that points at Tollgate, selected by the top-level model_provider
 * key, as the smallest textual edit: one value replaced or one line added, and the provider table appended or its
 * base_url replaced. Comments and every other byte stay. The result is parsed again and must say what was meant.
 */
export function routeCodexConfig(text: string | null, baseUrl: string): EditResult {
  const src = text ?? '';
  const eol = src.includes('\r\n') ? '\r\n' : '\n';
  let doc: Obj = {};
  if (src.trim() !== '') {
    const p = parsed(src);
    if (!p.doc) return { ok: false, message: p.problem! };
    doc = p.doc;
  }
  let out = src;
  // 1. Select the provider.
  const top = firstHeader(out);
  const sel = /^([ \t]*model_provider[ \t]*=[ \t]*)("[^"\n]*"|'[^'\n]*')/m.exec(out.slice(0, top));
  if (doc.model_provider !== undefined) {
    if (!sel) return { ok: false, message: 'its model_provider line is written in a way Tollgate does not edit' };
    const at = sel.index + sel[1]!.length;
    out = out.slice(0, at) + `"${CODEX_PROVIDER_ID}"` + out.slice(at + sel[2]!.length);
  } else {
    out = `model_provider = "${CODEX_PROVIDER_ID}"${eol}` + out;
  }
  // 2. Define (or re-point) the provider.
  const providers = isObj(doc.model_providers) ? doc.model_providers : {};
  if (providers[CODEX_PROVIDER_ID] !== undefined) {
    const header = new RegExp(`^[ \\t]*\\[[ \\t]*model_providers\\.${CODEX_PROVIDER_ID}[ \\t]*\\][^\\n]*\\n`, 'm').exec(out);
    if (!header) return { ok: false, message: `its [model_providers.${CODEX_PROVIDER_ID}] entry is written in a way Tollgate does not edit` };
    const bodyStart = header.index + header[0].length;
    const bodyEnd = bodyStart + firstHeader(out.slice(bodyStart));
    const line = /^([ \t]*base_url[ \t]*=[ \t]*)("[^"\n]*"|'[^'\n]*')/m.exec(out.slice(bodyStart, bodyEnd));
    if (!line) return { ok: false, message: `its [model_providers.${CODEX_PROVIDER_ID}] entry has no base_url Tollgate can edit` };
    const at = bodyStart + line.index + line[1]!.length;
    out = out.slice(0, at) + JSON.stringify(baseUrl) + out.slice(at + line[2]!.length);
  } else {
    const sep = out === '' ? '' : out.endsWith('\n') ? eol : eol + eol;
    out = out + sep + providerBlock(baseUrl, eol);
  }
  const check = readCodexRoute(out);
  if (check.problem || check.provider !== CODEX_PROVIDER_ID || check.baseUrl !== baseUrl) {
    return { ok: false, message: 'Tollgate could not edit it safely' };
  }
  return { ok: true, text: out };
}
