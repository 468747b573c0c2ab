import { describe, expect, it } from 'vitest';
import { setupSnippets } from '../../src/shared/setup-snippets.js';
import { key } from '../support/fixtures.js';

const providers = [
  { id: 'openai', proxyUrl: 'http://127.0.0.1:5151/openai/v1' },
  { id: 'anthropic', proxyUrl: 'http://127.0.0.1:5151/anthropic' },
  { id: 'gemini', proxyUrl: 'http://127.0.0.1:5151/gemini' },
];

/** One source for the tray's "Copy setup for…" and the dashboard's setup tabs, so their ids cannot drift. */
describe('setup snippets', () => {
  it('point each tool at the port Tollgate really listens on, in the form that tool reads', () => {
    const s = Object.fromEntries(setupSnippets(providers, { platform: 'linux' }).map((x) => [x.id, x.text]));
    expect(Object.keys(s)).toEqual(['claude-code', 'codex-cli', 'openai-sdk', 'anthropic-sdk', 'gemini-sdk']);
    // Claude Code appends /v1/messages itself: the root, no /v1.
    expect(s['claude-code']).toMatch(/^export ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:5151\/anthropic$/m);
    expect(s['codex-cli']).toMatch(/^openai_base_url = "http:\/\/127\.0\.0\.1:5151\/openai\/v1"$/m);
    expect(s['openai-sdk']).toMatch(/^export OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:5151\/openai\/v1$/m);
    expect(s['anthropic-sdk']).toMatch(/^export ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:5151\/anthropic$/m);
    expect(s['gemini-sdk']).toBe('export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:5151/gemini');
    // Every non-comment line is something a shell (or config.toml) accepts as is.
    for (const text of Object.values(s)) for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^(export [A-Z_]+=\S+|[a-z_]+ = ".*")$/);
  });

  it('uses PowerShell syntax on Windows', () => {
    const s = setupSnippets(providers, { platform: 'win32' }).find((x) => x.id === 'openai-sdk')!;
    expect(s.text).toContain('$env:OPENAI_BASE_URL = "http://127.0.0.1:5151/openai/v1"');
  });

  it('names the live Tollgate keys of the right provider, never a revoked one or another provider\'s', () => {
    const keys = [
      key({ id: 'key_a', name: 'Claude Code', provider: 'anthropic', label: 'tg_…aaaa' }),
      key({ id: 'key_r', name: 'Old', provider: 'anthropic', label: 'tg_…rrrr', revokedAt: 5 }),
      key({ id: 'key_o', name: 'Scripts', provider: 'openai', label: 'tg_…oooo' }),
      key({ id: 'fp_1', kind: 'passthrough', name: null, provider: 'anthropic', label: 'sk-ant-…zzzz' }),
    ];
    const s = Object.fromEntries(setupSnippets(providers, { keys, platform: 'linux' }).map((x) => [x.id, x.text]));
    expect(s['claude-code']).toContain('#   ANTHROPIC_API_KEY=tg_…aaaa   (Claude Code)');
    expect(s['claude-code']).not.toContain('tg_…rrrr');
    expect(s['claude-code']).not.toContain('tg_…oooo');
    expect(s['claude-code']).not.toContain('sk-ant-');
    expect(s['openai-sdk']).toContain('#   OPENAI_API_KEY=tg_…oooo   (Scripts)');
  });

  it('give Gemini its wrapped-key variant too: a key just created, or the live ones named', () => {
    const fresh = setupSnippets(providers, { key: { secret: 'tg_gem456', provider: 'gemini' }, platform: 'linux' }).find((x) => x.id === 'gemini-sdk')!;
    expect(fresh.text).toBe('export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:5151/gemini\nexport GEMINI_API_KEY=tg_gem456');
    const named = setupSnippets(providers, { keys: [key({ id: 'key_g', name: 'Notebooks', provider: 'gemini', label: 'tg_…gggg' })], platform: 'win32' }).find((x) => x.id === 'gemini-sdk')!;
    expect(named.text.split('\n')).toEqual([
      '$env:GOOGLE_GEMINI_BASE_URL = "http://127.0.0.1:5151/gemini"',
      '# Or hand out a Tollgate key instead of the real one (its secret was shown once, when it was created):',
      '#   GEMINI_API_KEY=tg_…gggg   (Notebooks)',
    ]);
  });

  it('leaves out tools whose provider is not routed', () => {
    expect(setupSnippets([providers[0]!], { platform: 'linux' }).map((x) => x.id)).toEqual(['codex-cli', 'openai-sdk']);
  });

  it('write a key just created into the snippets of its own provider only', () => {
    const s = Object.fromEntries(setupSnippets(providers, { key: { secret: 'tg_secret123', provider: 'openai' } }).map((x) => [x.id, x.text]));
    expect(s['openai-sdk']).toContain('export OPENAI_API_KEY=tg_secret123');
    expect(s['codex-cli']).toContain('# export OPENAI_API_KEY=tg_secret123');
    expect(s['claude-code']).not.toContain('tg_secret123');
    expect(s['anthropic-sdk']).not.toContain('tg_secret123');
  });

  it('say where each snippet goes and what it does', () => {
    for (const s of setupSnippets(providers)) {
      expect(s.title, s.id).not.toBe('');
      expect(s.where, s.id).not.toBe('');
      expect(s.note, s.id).not.toBe('');
    }
    expect(setupSnippets(providers).find((x) => x.id === 'codex-cli')!.where).toBe('~/.codex/config.toml');
  });
});
