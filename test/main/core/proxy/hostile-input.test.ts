import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';
import { records } from '../../../support/wait.js';

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

/** A JSON body whose `extra` field nests `depth` arrays deep: legal JSON, deeper than any recursive walk survives. */
function deepBody(fields: Record<string, unknown>, depth: number): string {
  const head = JSON.stringify(fields).slice(0, -1);
  return `${head},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${tg.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

const openaiStream = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] };
const anthropicStream = { model: 'claude-sonnet-4-5', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('a body nested thousands of levels deep cannot take the process down', () => {
  for (const depth of [5_000, 100_000]) {
    it(`${depth} levels: a streamed OpenAI call Tollgate must rewrite gets a 400 in OpenAI's shape, nothing forwarded`, async () => {
      const n = fake.received.length;
      // stream_options present without include_usage: the option is set inside it, so the body is re-serialised.
      const r = await post('/openai/v1/chat/completions', deepBody({ ...openaiStream, stream_options: {} }, depth), { authorization: 'Bearer sk-deep' });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/nested too deeply/) } });
      expect(fake.received.length).toBe(n);
    });

    it(`${depth} levels: a streamed OpenAI call without stream_options gets the option appended to its bytes, no re-serialising`, async () => {
      const body = deepBody(openaiStream, depth);
      const r = await post('/openai/v1/chat/completions', body, { authorization: 'Bearer sk-deep' });
      expect(r.status).toBe(200);
      expect(r.text).toContain('[DONE]');
      expect(fake.received.at(-1)!.rawBody.toString('utf8')).toBe(`${body.slice(0, -1)},"stream_options":{"include_usage":true}}`);
    });

    it(`${depth} levels: an Anthropic stream with max_tokens needs no rewrite, so it is forwarded byte for byte`, async () => {
      const body = deepBody(anthropicStream, depth);
      const r = await post('/anthropic/v1/messages', body, { 'x-api-key': 'sk-ant-deep' });
      expect(r.status).toBe(200);
      expect(r.text).toContain('message_stop');
      expect(fake.received.at(-1)!.rawBody.toString('utf8')).toBe(body);
    });
  }

  it('and the next ordinary request is served as usual', async () => {
    const before = (await tg.core.api['requests.recent']({ limit: 10_000 })).length;
    const r = await post('/openai/v1/chat/completions', JSON.stringify(openaiStream), { authorization: 'Bearer sk-deep' });
    expect(r.status).toBe(200);
    expect(r.text).toContain('[DONE]');
    const recs = await records(tg.core, before + 1);
    expect(recs.at(-1)).toMatchObject({ model: 'gpt-4o-mini', status: 200, flags: [], stream: true });
    expect(recs.at(-1)!.costUsd).toBeGreaterThan(0);
  });
});

/** 1 GiB of zeros, gzipped to about 1 MB: built as a stream so the test never holds the gigabyte itself. */
function gzipBomb(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = zlib.createGzip({ level: 9 });
    const out: Buffer[] = [];
    z.on('data', (c: Buffer) => out.push(c));
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
    const zero = Buffer.alloc(1 << 20);
    let i = 0;
    const write = () => {
      while (i < 1024) {
        i++;
        if (!z.write(zero)) return void z.once('drain', write);
      }
      z.end();
    };
    write();
  });
}

describe('an upstream that answers with a gzip bomb despite being asked for identity', () => {
  let bomb: Buffer;
  let upstream: http.Server;
  let tgBomb: Tollgate;
  let askedFor: string | undefined;

  beforeAll(async () => {
    bomb = await gzipBomb();
    upstream = http.createServer((req, res) => {
      askedFor = req.headers['accept-encoding'] as string | undefined;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length });
        res.end(bomb);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    tgBomb = await startTollgate({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  }, 60_000);
  afterAll(async () => {
    await tgBomb.stop();
    await new Promise((r) => upstream.close(r));
  });

  it('is inflated only up to a cap: memory stays bounded, the client gets the exact compressed bytes, the call is recorded as estimated', async () => {
    const rssBefore = process.memoryUsage().rss;
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me a long story' }] });
    // node:http, not fetch: fetch would inflate the answer itself.
    const got = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
      const u = new URL(tgBomb.url);
      const req = http.request(
        { hostname: u.hostname, port: u.port, method: 'POST', path: '/openai/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bomb' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const [rec] = await records(tgBomb.core, 1, 20_000);
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;

    expect(askedFor).toBe('identity');
    expect(got.status).toBe(200);
    expect(got.headers['content-encoding']).toBe('gzip');
    expect(got.bytes.equals(bomb)).toBe(true);
    expect(growthMb).toBeLessThan(100);
    expect(rec).toMatchObject({ model: 'gpt-4o-mini', status: 200, stream: false });
    expect(rec!.flags).toContain('estimated');
    expect(rec!.note).toMatch(/decoded to more than Tollgate reads/);
    expect(rec!.usage.inputTokens).toBeGreaterThan(0);
  }, 60_000);
});
