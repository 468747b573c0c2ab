/** Setup snippets that point a tool at Tollgate. Base URLs come from providers.list (proxyUrl), never guessed. */
import type { ProviderDto } from '../../../main/contract/api';

export interface Snippet {
  id: 'claude-code' | 'codex' | 'openai-sdk' | 'anthropic-sdk';
  title: string;
  /** What the snippet is: a shell profile, a config file, code. */
  where: string;
  text: string;
  note: string;
}

export interface SnippetKey {
  /** The wrapped key's secret ("tg_…"), only right after it was created; otherwise a placeholder is shown. */
  secret: string;
  provider: string;
}

const PLACEHOLDER: Record<string, string> = {
  openai: '<your OpenAI key, or a Tollgate key for OpenAI>',
  anthropic: '<your Anthropic key, or a Tollgate key for Anthropic>',
};

export function setupSnippets(providers: readonly ProviderDto[], key?: SnippetKey | null): Snippet[] {
  const url = (id: string) => providers.find((p) => p.id === id)?.proxyUrl ?? null;
  const secretFor = (provider: string) => (key && key.provider === provider ? key.secret : null);
  const out: Snippet[] = [];

  const anthropic = url('anthropic');
  if (anthropic) {
    const secret = secretFor('anthropic');
    out.push({
      id: 'claude-code',
      title: 'Claude Code',
      where: 'Shell profile (~/.bashrc, ~/.zshrc), or "env" in ~/.claude/settings.json',
      text: secret
        ? `export ANTHROPIC_BASE_URL=${anthropic}\nexport ANTHROPIC_API_KEY=${secret}`
        : `export ANTHROPIC_BASE_URL=${anthropic}`,
      note: secret
        ? 'Claude Code sends the Tollgate key; Tollgate swaps in the real one upstream.'
        : 'Keep your own key or Pro/Max login: Tollgate meters it in passthrough (subscription dollars are API-equivalent).',
    });
  }
  const openai = url('openai');
  if (openai) {
    const secret = secretFor('openai');
    const envKey = secret ? 'TOLLGATE_OPENAI_KEY' : 'OPENAI_API_KEY';
    out.push({
      id: 'codex',
      title: 'Codex CLI',
      where: '~/.codex/config.toml',
      text:
        `model_provider = "tollgate"\n\n[model_providers.tollgate]\nname = "Tollgate"\nbase_url = "${openai}"\nenv_key = "${envKey}"\nwire_api = "responses"` +
        (secret ? `\n\n# and in your shell profile:\n# export ${envKey}=${secret}` : ''),
      note: 'Codex reads the base URL from its config file; recent builds ignore OPENAI_BASE_URL.',
    });
    out.push({
      id: 'openai-sdk',
      title: 'OpenAI SDK',
      where: 'TypeScript (the Python SDK takes base_url and api_key the same way)',
      text: `import OpenAI from 'openai';\n\nconst client = new OpenAI({\n  baseURL: '${openai}',\n  apiKey: ${secret ? `'${secret}'` : `process.env.OPENAI_API_KEY, // ${PLACEHOLDER.openai}`},\n});`,
      note: `Or set OPENAI_BASE_URL=${openai} and leave the code alone.`,
    });
  }
  if (anthropic) {
    const secret = secretFor('anthropic');
    out.push({
      id: 'anthropic-sdk',
      title: 'Anthropic SDK',
      where: 'TypeScript (the Python SDK takes base_url and api_key the same way)',
      text: `import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({\n  baseURL: '${anthropic}',\n  apiKey: ${secret ? `'${secret}'` : `process.env.ANTHROPIC_API_KEY, // ${PLACEHOLDER.anthropic}`},\n});`,
      note: `Or set ANTHROPIC_BASE_URL=${anthropic} and leave the code alone.`,
    });
  }
  return out;
}
