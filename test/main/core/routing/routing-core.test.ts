import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingStatusDto, RoutingToolStatus } from '../../../../src/main/contract/routing.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';

let fake: FakeUpstream;
let tg: Tollgate;
beforeAll(async () => {
  fake = await startFakeUpstream();
  tg = await startTollgate({ upstream: fake.url });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

describe('routing through the admin API of a running Tollgate', () => {
  it('writes the port Tollgate is listening on, and the written base URLs reach the proxy', async () => {
    const st = (await tg.admin<RoutingStatusDto>('routing.status')).body.data!;
    expect(st.tools.map((t) => [t.tool, t.state, t.wantedBaseUrl])).toEqual([
      ['claude-code', 'not-routed', `${tg.url}/anthropic`],
      ['codex', 'not-routed', `${tg.url}/openai/v1`],
    ]);
    const claude = (await tg.admin<RoutingToolStatus>('routing.apply', { tool: 'claude-code' })).body.data!;
    const codex = (await tg.admin<RoutingToolStatus>('routing.apply', { tool: 'codex' })).body.data!;
    expect(claude.file).toBe(path.join(tg.dataDir, 'claude-home', 'settings.json'));
    const anthropicBase = parseJsonc(fs.readFileSync(claude.file, 'utf8')).env.ANTHROPIC_BASE_URL as string;
    const toml = parseToml(fs.readFileSync(codex.file, 'utf8')) as { model_providers: { tollgate: { base_url: string } } };
    const openaiBase = toml.model_providers.tollgate.base_url;

    // As Claude Code calls it (<base>/v1/messages) and as Codex does (<base_url>/responses).
    const a = await fetch(`${anthropicBase}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-route-000000000001', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const o = await fetch(`${openaiBase}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-route-000000000001' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
    });
    expect([a.status, o.status]).toEqual([200, 200]);
    expect(fake.received.map((r) => r.path)).toEqual(expect.arrayContaining(['/v1/messages', '/v1/responses']));

    const undone = await tg.admin<RoutingToolStatus>('routing.undo', { tool: 'claude-code' });
    expect(undone.body.data!.state).toBe('not-routed');
    expect(fs.existsSync(claude.file)).toBe(false);
  });

  it('a refusal reaches the client as an input error with the reason in words', async () => {
    const st = (await tg.admin<RoutingStatusDto>('routing.status')).body.data!;
    const codexFile = st.tools.find((t) => t.tool === 'codex')!.file;
    fs.appendFileSync(codexFile, '\n# edited by hand\n');
    const r = await tg.admin('routing.undo', { tool: 'codex' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid', field: 'tool' });
    expect(r.body.error!.message).toMatch(/config\.toml was changed by hand since Tollgate wrote it/);
  });
});
