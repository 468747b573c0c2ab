import type { ProviderDto } from '../../contract/api-providers.js';
import type { KeyDto } from '../../contract/keys.js';

export interface SetupSnippet {
  id: 'claude-code' | 'codex-cli' | 'openai-sdk' | 'anthropic-sdk';
  label: string;
  text: string;
}

interface Tool {
  id: SetupSnippet['id'];
  label: string;
  provider: string;
  keyVar: string;
  render(base: string, env: (name: string, value: string) => string, keyLines: string[]): string[];
}

/**
 * How each tool is pointed at Tollgate (PROVIDER-APIS.md B5): Claude Code takes the Anthropic root with no /v1
 * and appends /v1/messages itself; Codex CLI reads openai_base_url from ~/.codex/config.toml (its env variable is
 * not honoured by every build); the SDKs read their *_BASE_URL variables.
 */
const TOOLS: Tool[] = [
  {
    id: 'claude-code',
    label: 'Claude Code',
    provider: 'anthropic',
    keyVar: 'ANTHROPIC_API_KEY',
    render: (base, env, keyLines) => [
      '# Claude Code through Tollgate: in your shell profile, or in ~/.claude/settings.json as {"env": {"ANTHROPIC_BASE_URL": "…"}}',
      env('ANTHROPIC_BASE_URL', base),
      '# Your own ANTHROPIC_API_KEY, or your Claude Pro/Max login, passes through unchanged.',
      ...keyLines,
    ],
  },
  {
    id: 'codex-cli',
    label: 'Codex CLI',
    provider: 'openai',
    keyVar: 'OPENAI_API_KEY',
    render: (base, _env, keyLines) => [
      '# Codex CLI through Tollgate: add to ~/.codex/config.toml (API-key mode; OPENAI_API_KEY passes through)',
      `openai_base_url = "${base}"`,
      ...keyLines,
    ],
  },
  {
    id: 'openai-sdk',
    label: 'OpenAI SDK',
    provider: 'openai',
    keyVar: 'OPENAI_API_KEY',
    render: (base, env, keyLines) => [
      '# OpenAI SDKs (Python, Node) read this; or pass base_url= / baseURL: in code',
      env('OPENAI_BASE_URL', base),
      ...keyLines,
    ],
  },
  {
    id: 'anthropic-sdk',
    label: 'Anthropic SDK',
    provider: 'anthropic',
    keyVar: 'ANTHROPIC_API_KEY',
    render: (base, env, keyLines) => [
      '# Anthropic SDKs (Python, TypeScript) read this; or pass base_url= / baseURL: in code',
      env('ANTHROPIC_BASE_URL', base),
      ...keyLines,
    ],
  },
];

/**
 * The text "Copy setup for…" puts on the clipboard, from the providers' proxy URLs (which carry the port Tollgate
 * really listens on). A wrapped key's secret is shown once, when it is created, and only its hash is kept, so
 * the snippets name the Tollgate keys that fit rather than print them.
 */
export function setupSnippets(providers: Pick<ProviderDto, 'id' | 'proxyUrl'>[], keys: KeyDto[], platform: NodeJS.Platform): SetupSnippet[] {
  const env = platform === 'win32' ? (n: string, v: string) => `$env:${n} = "${v}"` : (n: string, v: string) => `export ${n}=${v}`;
  const out: SetupSnippet[] = [];
  for (const t of TOOLS) {
    const p = providers.find((x) => x.id === t.provider);
    if (!p || !p.proxyUrl) continue;
    const wrapped = keys.filter((k) => k.kind === 'wrapped' && k.provider === t.provider && k.revokedAt === null);
    const keyLines = wrapped.length
      ? [
          `# Or hand out a Tollgate key instead of the real one (its secret was shown once, when it was created):`,
          ...wrapped.slice(0, 5).map((k) => `#   ${t.keyVar}=${k.label}   (${k.name ?? k.id})`),
        ]
      : [];
    out.push({ id: t.id, label: t.label, text: t.render(p.proxyUrl, env, keyLines).join('\n') + '\n' });
  }
  return out;
}
