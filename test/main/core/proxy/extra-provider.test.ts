import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMessage } from '../../../support/aws-event-stream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { REVOKED_UPSTREAM, signature, signedProviderEntry } from '../../../support/signed-provider/index.js';
import { records } from '../../../support/wait.js';

const PROVIDER_SECRET = 'signing-secret-0123456789';
// Priced as gpt-4o-mini: $0.15 input and $0.60 output per million tokens.
const cost = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

let upstream: http.Server;
let tg: Tollgate;
let tollgateKey: string;
const seen: { path: string; headers: http.IncomingHttpHeaders; verified: boolean }[] = [];
let streamBytes: Buffer;

beforeAll(async () => {
  streamBytes = Buffer.concat([
    eventMessage('chunk', { text: 'Hello ' }),
    eventMessage('chunk', { text: 'from a signed stream' }),
    eventMessage('metadata', { usage: { inputTokens: 2000, outputTokens: 500 } }),
  ]);
  // The fake provider checks every request's signature with the real secret, as AWS would.
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verified = req.headers['x-signature'] === signature(PROVIDER_SECRET, req.method!, req.url!, body);
      seen.push({ path: req.url!, headers: req.headers, verified });
      if (!verified) {
        res.writeHead(403, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ message: 'The request signature we calculated does not match' }));
      }
      if (req.url!.endsWith('/invoke')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ output: 'Hello, signed world', usage: { inputTokens: 1200, outputTokens: 345 } }));
      }
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      // Frames split at odd places, as TCP may deliver them.
      const cuts = [0, 7, 60, 61, 150, streamBytes.length];
      let i = 0;
      const next = () => {
        if (i + 1 >= cuts.length) return void res.end();
        res.write(streamBytes.subarray(cuts[i]!, cuts[i + 1]!));
        i++;
        setTimeout(next, 5);
      };
      next();
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  tg = await startTollgate({ core: { extraProviders: [signedProviderEntry(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)] } });
  const created = await tg.admin<{ secret: string }>('keys.create', { name: 'signed key', provider: 'signed', providerKey: PROVIDER_SECRET });
  expect(created.status).toBe(200);
  tollgateKey = created.body.data!.secret;
});
afterAll(async () => {
  await tg.stop();
  await new Promise((r) => upstream.close(r));
});

async function call(path: string) {
  const res = await fetch(`${tg.url}/signed${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signed-key': tollgateKey },
    body: JSON.stringify({ prompt: 'Say hello' }),
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('a provider registered beside the built-ins: async signing authorize, AWS event-stream framing', () => {
  it('non-streamed: signed upstream with the real secret, priced from the reported usage', async () => {
    const { res, bytes } = await call('/model/gpt-4o-mini/invoke');
    expect(res.status).toBe(200);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ output: 'Hello, signed world' });
    const up = seen.at(-1)!;
    expect(up.verified).toBe(true);
    expect(up.headers['x-signed-key']).toBeUndefined();
    expect(Number(res.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(cost(1200, 345), 9);
    const [rec] = await records(tg.core, 1);
    expect(rec).toMatchObject({
      provider: 'signed',
      operation: 'invoke',
      model: 'gpt-4o-mini',
      stream: false,
      status: 200,
      flags: [],
      usage: { inputTokens: 1200, outputTokens: 345, cacheReadTokens: 0, reasoningTokens: 0 },
    });
    expect(rec!.keyId).toMatch(/^key_/);
    expect(rec!.costUsd).toBeCloseTo(cost(1200, 345), 9);
  });

  it('streamed: the binary frames reach the client untouched and are metered from the decoded metadata event', async () => {
    const { res, bytes } = await call('/model/gpt-4o-mini/invoke-with-response-stream');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    expect(bytes.equals(streamBytes)).toBe(true);
    expect(seen.at(-1)!.verified).toBe(true);
    const recs = await records(tg.core, 2);
    const rec = recs.at(-1)!;
    expect(rec).toMatchObject({
      provider: 'signed',
      operation: 'invokeStream',
      model: 'gpt-4o-mini',
      stream: true,
      status: 200,
      flags: [],
      usage: { inputTokens: 2000, outputTokens: 500 },
    });
    expect(rec.costUsd).toBeCloseTo(cost(2000, 500), 9);
  });

  it('a request the provider cannot verify is refused upstream, not by Tollgate guessing', async () => {
    // A client's own (non-Tollgate) credential passes through unsigned: the fake provider refuses it.
    const res = await fetch(`${tg.url}/signed/model/gpt-4o-mini/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signed-key': 'raw-client-key' },
      body: JSON.stringify({ prompt: 'Say hello' }),
    });
    expect(res.status).toBe(403);
    expect(seen.at(-1)!.verified).toBe(false);
    const recs = await records(tg.core, 3);
    expect(recs.at(-1)).toMatchObject({ provider: 'signed', status: 403, flags: ['error'] });
  });

  it('an authorize that rejects answers 500 in the provider\'s shape, sends nothing, and records the error', async () => {
    const created = await tg.admin<{ secret: string }>('keys.create', { name: 'expired', provider: 'signed', providerKey: REVOKED_UPSTREAM });
    const n = seen.length;
    const res = await fetch(`${tg.url}/signed/model/gpt-4o-mini/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signed-key': created.body.data!.secret },
      body: JSON.stringify({ prompt: 'Say hello' }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ kind: 'internal', message: 'Tollgate could not authorize the request for Signed Example: the signing credential has expired' });
    expect(seen.length).toBe(n);
    const recs = await records(tg.core, 4);
    expect(recs.at(-1)).toMatchObject({ provider: 'signed', status: 500, flags: ['error'], costUsd: 0 });
  });
});
