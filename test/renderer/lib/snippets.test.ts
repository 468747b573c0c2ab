import { describe, expect, it } from 'vitest';
import { setupSnippets } from '../../../src/renderer/src/lib/snippets';
import { PROVIDERS } from '../support/fixtures';

describe('setup snippets', () => {
  it('use the proxy URLs the core reports', () => {
    const s = setupSnippets(PROVIDERS);
    expect(s.map((x) => x.id)).toEqual(['claude-code', 'codex', 'openai-sdk', 'anthropic-sdk']);
    expect(s.find((x) => x.id === 'claude-code')!.text).toBe('export ANTHROPIC_BASE_URL=http://127.0.0.1:4848/anthropic');
    expect(s.find((x) => x.id === 'codex')!.text).toContain('base_url = "http://127.0.0.1:4848/openai/v1"');
    expect(s.find((x) => x.id === 'codex')!.text).toContain('wire_api = "responses"');
    expect(s.find((x) => x.id === 'openai-sdk')!.text).toContain("baseURL: 'http://127.0.0.1:4848/openai/v1'");
  });

  it('put a new key only into the snippets for its own provider', () => {
    const s = setupSnippets(PROVIDERS, { secret: 'tg_secret123', provider: 'openai' });
    expect(s.find((x) => x.id === 'openai-sdk')!.text).toContain("apiKey: 'tg_secret123'");
    expect(s.find((x) => x.id === 'codex')!.text).toContain('TOLLGATE_OPENAI_KEY=tg_secret123');
    expect(s.find((x) => x.id === 'claude-code')!.text).not.toContain('tg_secret123');
    expect(s.find((x) => x.id === 'anthropic-sdk')!.text).not.toContain('tg_secret123');
  });

  it('offer nothing for a provider the proxy does not route', () => {
    expect(setupSnippets(PROVIDERS.filter((p) => p.id === 'openai')).map((x) => x.id)).toEqual(['codex', 'openai-sdk']);
  });
});
