import { describe, expect, it } from 'vitest';
import { blockForm, codexErrorBody, isCodex } from '../../../../src/main/core/proxy/block-form.js';
import { openaiErrorBody } from '../../../../src/main/core/providers/openai/errors.js';
import { useProxyFixture } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

describe('block forms, unit', () => {
  it('recognises Codex by its originator or user agent, over HTTP and the WebSocket upgrade alike', () => {
    expect(isCodex({ originator: 'codex_exec', 'user-agent': 'codex_exec/0.171.0 (Linux)' })).toBe(true);
    expect(isCodex({ originator: 'codex_cli_rs' })).toBe(true);
    expect(isCodex({ 'user-agent': 'codex_cli_rs/0.50.0' })).toBe(true);
    expect(isCodex({ 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)' })).toBe(false);
    expect(isCodex({ 'user-agent': 'OpenAI/JS 5.0.0' })).toBe(false);
    expect(isCodex({ originator: 'codexy' })).toBe(false);
  });

  it('answers Codex with a 400 whose body leads with the message; everyone else keeps the status', () => {
    const provider = { errorBody: openaiErrorBody };
    expect(blockForm({ 'user-agent': 'OpenAI/Python 1.0' }, 402, provider)).toEqual({ status: 402, provider });
    const codex = blockForm({ originator: 'codex_exec' }, 402, provider);
    expect(codex.status).toBe(400);
    expect(codex.provider.errorBody(400, 'budget_exceeded', 'M')).toBe(codexErrorBody('budget_exceeded', 'M'));
    expect(JSON.parse(codexErrorBody('budget_exceeded', 'M'))).toEqual({ error: { message: 'M', type: 'invalid_request_error', param: null, code: 'budget_exceeded' } });
    expect(codexErrorBody('paused', 'M').startsWith('{"error":{"message":"M"')).toBe(true);
  });
});

describe('block forms over HTTP', () => {
  const env = useProxyFixture();
  const CODEX = { originator: 'codex_exec', 'user-agent': 'codex_exec/0.171.0 (Ubuntu 24.4.0; x86_64) xterm', version: '0.171.0' };
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${env.tg.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  it('a spent budget: Codex gets a 400 it prints and stops on, Claude Code and the SDKs a 402 with x-should-retry: false', async () => {
    const created = await env.tg.admin('budgets.create', { name: 'spent', period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100, scope: { provider: 'openai' } });
    expect(created.status).toBe(200);
    await env.tg.admin('budgets.create', { name: 'spent-a', period: { kind: 'day' }, limitUsd: 0.000001, hardStopPercent: 100, scope: { provider: 'anthropic' } });
    env.fake.received.length = 0;
    const before = (await records(env.tg.core, 0)).length;

    const codex = await post('/openai/v1/responses', { model: 'gpt-5', input: 'hi', stream: true }, { ...CODEX, authorization: 'Bearer sk-codex-00000000000000001' });
    expect(codex.status).toBe(400);
    expect(codex.headers.get('x-should-retry')).toBe('false');
    const body = await codex.text();
    expect(body.startsWith('{"error":{"message":"')).toBe(true);
    expect(JSON.parse(body).error).toMatchObject({ type: 'invalid_request_error', code: 'budget_exceeded' });
    expect(JSON.parse(body).error.message).toMatch(/spent/);

    const sdk = await post('/openai/v1/responses', { model: 'gpt-5', input: 'hi' }, { authorization: 'Bearer sk-sdk-0000000000000000001', 'user-agent': 'OpenAI/JS 5.0.0' });
    expect(sdk.status).toBe(402);
    expect(sdk.headers.get('x-should-retry')).toBe('false');

    const claude = await post(
      '/anthropic/v1/messages',
      { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'sk-ant-claude-000000000001', 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)', 'anthropic-version': '2023-06-01' },
    );
    expect(claude.status).toBe(402);
    expect(((await claude.json()) as { error: { message: string } }).error.message).toMatch(/spent-a/);

    expect(env.fake.received).toHaveLength(0);
    const recs = (await records(env.tg.core, before + 3)).slice(-3);
    expect(recs.map((r) => r.status)).toEqual([400, 402, 402]);
    expect(recs.every((r) => r.flags.includes('blocked'))).toBe(true);
  });

  it('the pause: Codex gets the 400 form on unmetered paths too', async () => {
    await env.tg.admin('settings.update', { paused: true });
    try {
      const res = await fetch(`${env.tg.url}/openai/v1/models`, { headers: { ...CODEX, authorization: 'Bearer sk-codex-00000000000000001' } });
      expect(res.status).toBe(400);
      expect(JSON.parse(await res.text()).error).toMatchObject({ code: 'paused', type: 'invalid_request_error' });
    } finally {
      await env.tg.admin('settings.update', { paused: false });
    }
  });
});
