import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { tempDir } from '../../../support/harness.js';
import { startServe, type ServedTollgate } from '../../../support/serve-process.js';

/**
 * The real providers are HTTPS. The upstream leg runs through undici's dispatcher, whose TLS must trust what
 * Node trusts (its CA store and NODE_EXTRA_CA_CERTS, read once at start, so Tollgate runs in its own process
 * here) and refuse what it does not.
 */
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSigned(dir: string, name: string): { key: string; cert: string; certFile: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ]);
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr.toString()}`);
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8'), certFile: cert };
}

describe.skipIf(!hasOpenssl)('HTTPS upstreams (skipped without the openssl CLI to make certificates)', () => {
  let trusted: FakeUpstream;
  let untrusted: FakeUpstream;
  let served: ServedTollgate;

  beforeAll(async () => {
    const dir = tempDir('tollgate-tls-');
    const good = selfSigned(dir, 'trusted');
    const bad = selfSigned(dir, 'untrusted');
    trusted = await startFakeUpstream({}, { tls: good });
    untrusted = await startFakeUpstream({}, { tls: bad });
    served = await startServe({
      dataDir: tempDir(),
      env: { NODE_EXTRA_CA_CERTS: good.certFile, TOLLGATE_OPENAI_BASE_URL: trusted.url, TOLLGATE_ANTHROPIC_BASE_URL: untrusted.url, TOLLGATE_NOTIFY: '0' },
    });
  }, 120_000);

  afterAll(async () => {
    await served?.stop();
    await trusted?.close();
    await untrusted?.close();
  });

  it('a trusted HTTPS upstream: the official SDK gets its answer, priced, streamed and not', async () => {
    const client = new OpenAI({ apiKey: 'sk-tls-test', baseURL: `${served.url}/openai/v1` });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    // gpt-4o-mini: 176 uncached input at $0.15/M, 1,024 cached at $0.075/M, 80 output at $0.60/M.
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000151200');
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(trusted.received.length).toBe(2);
    expect(trusted.received[0]!.headers.host).toBe(new URL(trusted.url).host);
  });

  it('an HTTPS upstream whose certificate is not trusted: a 502 in the provider\'s shape, saying why, and nothing sent', async () => {
    const res = await fetch(`${served.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-tls-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.message).toMatch(/SELF_SIGNED|CERT|certificate/i);
    expect(untrusted.received.length).toBe(0);
  });
});
