import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { tempDir } from '../../../support/harness.js';
import { waitFor } from '../../../support/wait.js';
import { recordFigures } from '../../../hardening/support/figures.js';
import { upstreamEnvFor } from '../../../../src/main/core/providers/describe.js';

/**
 * Known secrets go through every path Tollgate has (wrapped keys, passthrough keys in headers and query strings,
 * subscription tokens, admin keys, upstream errors that echo keys back, aborted streams), then the whole data
 * folder, the process's output and every admin API answer (CSV exports included) are searched for them.
 */
const SECRETS = {
  wrappedUpstream: 'sk-proj-AUDIT1wrappedupstreamkey000000000001',
  passthrough: 'sk-AUDIT2passthroughkey0000000000000002',
  oauth: 'sk-ant-oat01-AUDIT3subscriptiontoken000003',
  admin: 'sk-admin-AUDIT4adminkey00000000000000004',
  gemini: 'AIzaAUDIT5geminikeyinquery000000005',
  anthropicAdmin: 'sk-ant-admin01-AUDIT6anthropicadmin0000006',
};

let fake: FakeUpstream;
let echo: http.Server;
let echoUrl: string;
let echoed = 0;

beforeAll(async () => {
  fake = await startFakeUpstream();
  // An admin API that answers errors quoting the key it was sent, as some services do.
  echo = http.createServer((req, res) => {
    echoed++;
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad key ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}` } }));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => echo.close(r));
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('secrets never appear in plaintext', () => {
  it('not in the data folder, the logs, error messages or any admin API answer', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/core/headless.ts', '--port', '0', '--data-dir', dir], {
      env: { ...process.env, ...upstreamEnvFor(fake.url) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(output)?.[1], 15_000, 'headless to listen');
    const token = fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
    const answers: string[] = [];
    const admin = async (channel: string, input?: unknown) => {
      const r = await fetch(`${url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: input === undefined ? undefined : JSON.stringify(input) });
      const text = await r.text();
      // keys.create shows the new tg_ secret once, by design; everything else is searched.
      if (channel !== 'keys.create') answers.push(text);
      return JSON.parse(text) as { ok: boolean; data: Record<string, unknown> };
    };
    const post = (p: string, headers: Record<string, string>, body: object) =>
      fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => answers.push(await r.text()));

    const wrapped = (await admin('keys.create', { name: 'audit', provider: 'openai', providerKey: SECRETS.wrappedUpstream })).data as { secret: string };
    await post('/openai/v1/chat/completions', { authorization: `Bearer ${wrapped.secret}` }, { model: 'gpt-4o-mini', messages: [] });
    await post('/openai/v1/chat/completions', { authorization: `Bearer ${SECRETS.passthrough}` }, { model: 'gpt-4o-mini', messages: [] });
    await post('/openai/v1/chat/completions', { authorization: `Bearer ${SECRETS.passthrough}`, 'x-fake': JSON.stringify({ status: 401, errorBody: { error: { message: 'nope' } } }) }, { model: 'gpt-4o-mini', messages: [] });
    await post('/anthropic/v1/messages', { authorization: `Bearer ${SECRETS.oauth}` }, { model: 'claude-haiku-4-5', max_tokens: 5, messages: [] });
    await post(`/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${SECRETS.gemini}`, {}, { contents: [] });
    await post('/openai/v1/chat/completions', { authorization: `Bearer ${SECRETS.passthrough}`, 'x-fake': JSON.stringify({ breakAfterChunks: 1 }) }, { model: 'gpt-4o-mini', stream: true, messages: [] }).catch(() => {});
    await admin('keys.revoke', { id: ((await admin('keys.list')).data as unknown as { id: string; kind: string }[]).find((k) => k.kind === 'wrapped')!.id });
    await post('/openai/v1/chat/completions', { authorization: `Bearer ${wrapped.secret}` }, { model: 'gpt-4o-mini', messages: [] });
    await admin('usage.connections.save', { provider: 'openai', name: 'org', adminKey: SECRETS.admin, baseUrl: echoUrl });
    await admin('usage.connections.save', { provider: 'anthropic', name: 'org2', adminKey: SECRETS.anthropicAdmin, baseUrl: echoUrl });
    await admin('usage.connections.test', { provider: 'openai', adminKey: SECRETS.admin, baseUrl: echoUrl });
    await admin('usage.pollNow', {}).catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    for (const ch of ['status.get', 'keys.list', 'requests.recent', 'spend.query', 'settings.get', 'providers.list', 'audit.list', 'alerts.recent', 'usage.connections.list', 'usage.reported', 'usage.reconciliation', 'budgets.list']) {
      await admin(ch, {});
    }
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const range = { from: day(-2), to: day(2) };
    const csv = (await admin('export.requests', range)).data as unknown as { rows: number };
    expect(csv.rows).toBeGreaterThan(3);
    await admin('export.rollups', range);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;

    const haystacks: [string, string][] = [
      ['process output', output],
      ['admin API answers', answers.join('\n')],
      ...filesUnder(dir).map((f) => [f, fs.readFileSync(f, 'utf8')] as [string, string]),
    ];
    expect(filesUnder(dir).some((f) => f.endsWith('tollgate.json'))).toBe(true);
    for (const [where, text] of haystacks) {
      for (const [name, secret] of Object.entries({ ...SECRETS, wrappedSecret: wrapped.secret })) {
        expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
        // Not even the secret part without its prefix.
        expect(text.includes(secret.slice(-24)), `${name} (tail) found in ${where}`).toBe(false);
      }
    }
    // The records are there, under redacted labels, and the echoing admin API was really called and failed.
    expect(answers.join('\n')).toContain('sk-…0002');
    expect(echoed).toBeGreaterThan(0);
    expect(answers.join('\n')).toMatch(/bad key Bearer \[admin key\]/);
    const figures = recordFigures('security-secrets');
    const searched = haystacks.length * (Object.keys(SECRETS).length + 1);
    figures.add({ section: 'attacks', what: 'known secrets searched for in data folder, output, API answers, exports', tried: searched, ok: searched, detail: `${Object.keys(SECRETS).length + 1} secrets × ${haystacks.length} places: none found` });
    figures.save();
  });
});
