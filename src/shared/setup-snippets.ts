/**
 * The setup snippets that point a tool at Tollgate, for the tray's "Copy setup for…" and the dashboard alike.
 * Pure data and string work: main and the renderer both import it (ESLint keeps it free of Node, Electron and
 * DOM code). Base URLs come from providers.list (proxyUrl, which carries the port Tollgate really listens on).
 */
import type { ProviderDto } from '../main/contract/api-providers.js';
import type { KeyDto } from '../main/contract/keys.js';

export type SetupToolId = 'claude-code' | 'codex-cli' | 'openai-sdk' | 'anthropic-sdk' | 'gemini-sdk';

export interface SetupSnippet {
  id: SetupToolId;
  title: string;
  /** Where the text goes: a shell profile, a config file. */
  where: string;
  text: string;
  note: string;
}

export interface SnippetKey {
  /** A wrapped key's secret ("tg_…"), known only right after it was created. */
  secret: string;
  provider: string;
}

export interface SnippetOptions {
  /** "win32" writes PowerShell; anything else a POSIX shell. Default POSIX. */
  platform?: string;
  /** A key just created: written into the snippets of its own provider. */
  key?: SnippetKey | null;
  /**
   * Tollgate keys to name in comments. A wrapped key's secret is shown once and only its hash is kept, so
   * later snippets name the keys that fit rather than print them.
   */
  keys?: readonly KeyDto[];
}

interface Tool {
  id: SetupToolId;
  title: string;
  provider: string;
  keyVar: string;
  where: string;
  note: string;
  lines(base: string, env: (name: string, value: string) => string, secret: string | null): string[];
}

/**
 * How each tool is pointed at Tollgate: Claude Code takes the Anthropic root with no /v1 and appends
 * /v1/messages itself (ANTHROPIC_BASE_URL, https://docs.anthropic.com/en/docs/claude-code/settings); Codex CLI
 * reads openai_base_url from ~/.codex/config.toml, since OPENAI_BASE_URL (openai/codex PR #1487) is reported
 * ignored by a 2026 build (lexmount PR #53); the SDKs read their *_BASE_URL variables.
 */
const TOOLS: readonly Tool[] = [
  {
    id: 'claude-code',
    title: 'Claude Code',
    provider: 'anthropic',
    keyVar: 'ANTHROPIC_API_KEY',
    where: 'Shell profile (~/.bashrc, ~/.zshrc), or "env" in ~/.claude/settings.json',
    note: 'Without a Tollgate key, your own key or Pro/Max login passes through and is metered (subscription dollars are API-equivalent).',
    lines: (base, env, secret) => [env('ANTHROPIC_BASE_URL', base), ...(secret ? [env('ANTHROPIC_API_KEY', secret)] : [])],
  },
  {
    id: 'codex-cli',
    title: 'Codex CLI',
    provider: 'openai',
    keyVar: 'OPENAI_API_KEY',
    where: '~/.codex/config.toml',
    note: 'Codex reads the base URL from its config file; recent builds ignore OPENAI_BASE_URL. OPENAI_API_KEY passes through.',
    lines: (base, env, secret) => [`openai_base_url = "${base}"`, ...(secret ? ['# and in your shell profile:', `# ${env('OPENAI_API_KEY', secret)}`] : [])],
  },
  {
    id: 'openai-sdk',
    title: 'OpenAI SDK',
    provider: 'openai',
    keyVar: 'OPENAI_API_KEY',
    where: 'Shell profile, or the environment of your program',
    note: 'The OpenAI SDKs (Python, Node) read these; or pass base_url= / baseURL: in code.',
    lines: (base, env, secret) => [env('OPENAI_BASE_URL', base), ...(secret ? [env('OPENAI_API_KEY', secret)] : [])],
  },
  {
    id: 'anthropic-sdk',
    title: 'Anthropic SDK',
    provider: 'anthropic',
    keyVar: 'ANTHROPIC_API_KEY',
    where: 'Shell profile, or the environment of your program',
    note: 'The Anthropic SDKs (Python, TypeScript) read these; or pass base_url= / baseURL: in code.',
    lines: (base, env, secret) => [env('ANTHROPIC_BASE_URL', base), ...(secret ? [env('ANTHROPIC_API_KEY', secret)] : [])],
  },
  {
    // The Google Gen AI SDKs take the root (they add /v1beta/models/…) from GOOGLE_GEMINI_BASE_URL or
    // http_options; Tollgate's Gemini route accepts the key as x-goog-api-key or ?key= (README, Point your tools).
    id: 'gemini-sdk',
    title: 'Gemini SDK',
    provider: 'gemini',
    keyVar: 'GEMINI_API_KEY',
    where: 'Shell profile, or the environment of your program',
    note: 'The Google Gen AI SDKs read these; or pass http_options={"base_url": …} (Python) / httpOptions: { baseUrl } (JS) in code.',
    lines: (base, env, secret) => [env('GOOGLE_GEMINI_BASE_URL', base), ...(secret ? [env('GEMINI_API_KEY', secret)] : [])],
  },
];

/** One snippet per tool whose provider Tollgate routes. */
export function setupSnippets(providers: readonly Pick<ProviderDto, 'id' | 'proxyUrl'>[], opts: SnippetOptions = {}): SetupSnippet[] {
  const env = opts.platform === 'win32' ? (n: string, v: string) => `$env:${n} = "${v}"` : (n: string, v: string) => `export ${n}=${v}`;
  const out: SetupSnippet[] = [];
  for (const t of TOOLS) {
    const base = providers.find((p) => p.id === t.provider)?.proxyUrl;
    if (!base) continue;
    const secret = opts.key && opts.key.provider === t.provider ? opts.key.secret : null;
    const wrapped = (opts.keys ?? []).filter((k) => k.kind === 'wrapped' && k.provider === t.provider && k.revokedAt === null);
    const keyLines = wrapped.length
      ? [
          '# Or hand out a Tollgate key instead of the real one (its secret was shown once, when it was created):',
          ...wrapped.slice(0, 5).map((k) => `#   ${t.keyVar}=${k.label}   (${k.name ?? k.id})`),
        ]
      : [];
    out.push({ id: t.id, title: t.title, where: t.where, note: t.note, text: [...t.lines(base, env, secret), ...keyLines].join('\n') });
  }
  return out;
}
