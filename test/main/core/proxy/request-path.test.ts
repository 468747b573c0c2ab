import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../../src/main/core/settings/settings.js';
import { createAgents, createProviderRegistry } from '../../../../src/main/core/providers/registry.js';
import { normalisePath, resolveRequestTarget } from '../../../../src/main/core/proxy/request-path.js';

describe('request paths are normalised once, as an upstream reads them', () => {
  it('collapses slashes, removes dot segments (RFC 3986 5.2.4) and decodes unreserved escapes', () => {
    const cases: [string, string][] = [
      ['/openai/v1//chat/completions', '/openai/v1/chat/completions'],
      ['//openai///v1/chat/completions', '/openai/v1/chat/completions'],
      ['/openai/./v1/chat/completions', '/openai/v1/chat/completions'],
      ['/openai/v1/chat/../chat/completions', '/openai/v1/chat/completions'],
      ['/openai/v1/%63hat/%2e%2e/chat/completions', '/openai/v1/chat/completions'],
      ['/openai/v1/x%2fy', '/openai/v1/x%2Fy'],
      ['/openai/v1/chat/completions/', '/openai/v1/chat/completions/'],
      ['/openai/v1/chat/.', '/openai/v1/chat/'],
      ['/', '/'],
    ];
    for (const [raw, want] of cases) expect(normalisePath(raw).path, raw).toBe(want);
    expect(normalisePath('/a/b/../../..').lowest).toBe(0);
    expect(normalisePath('/a/b/c').lowest).toBe(Infinity);
  });

  it('returns an ordinary path as it came, the same as the full normalisation of an equivalent spelling', () => {
    for (const raw of ['/openai/v1/chat/completions', '/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent', '/openai/v1/models/gpt-4.1', '/x/', '/a..b/c.']) {
      expect(normalisePath(raw), raw).toEqual({ path: raw, lowest: Infinity });
      // The same path spelled with a repeated slash takes the full normalisation and lands on the same string.
      expect(normalisePath(raw.replace('/', '//')).path, raw).toBe(raw);
    }
  });

  it('resolves the route after normalising, and refuses climbing above the prefix or encoded slashes', () => {
    const settings = { ...defaultSettings(), customProviders: [{ id: 'groq', name: 'Groq', baseUrl: 'http://127.0.0.1:1', pricingProviderId: null, free: false, authHeader: 'bearer' as const, injectStreamUsage: true, defaultModel: null }] };
    const registry = createProviderRegistry(settings, {}, createAgents());
    const t = resolveRequestTarget('/openai//v1/./chat/completions?x=1', registry);
    expect(t).toMatchObject({ path: '/openai/v1/chat/completions', rawQuery: 'x=1', refusal: null });
    expect(t.match).toMatchObject({ rest: '/v1/chat/completions', route: { prefix: '/openai' } });
    expect(resolveRequestTarget('/custom/groq//chat/completions', registry).match?.rest).toBe('/chat/completions');
    for (const bad of ['/openai/../anthropic/v1/messages', '/custom/groq/../other/chat/completions', '/openai/v1/../../x', '/openai/v1/a%2Fb', '/openai/v1/a\\b']) {
      const r = resolveRequestTarget(bad, registry);
      expect(r.refusal, bad).toBeTruthy();
      expect(r.match, bad).not.toBeNull();
    }
    // Not a provider route: normalised, never refused here (the admin API and dashboard answer it).
    expect(resolveRequestTarget('/api//status.get', registry)).toMatchObject({ path: '/api/status.get', match: null, refusal: null });
  });
});
