import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDecodedBody } from '../../../../../src/main/core/proxy/framing/decoded-body.js';

function decode(encoding: string | undefined, bytes: Buffer, cap: number, chunk = 7): Promise<{ text: string | null; overCap: boolean }> {
  const d = createDecodedBody(encoding, cap);
  for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
  return new Promise((resolve) => d.end((text, overCap) => resolve({ text, overCap })));
}

const json = JSON.stringify({ usage: { prompt_tokens: 12, completion_tokens: 34 }, text: 'é'.repeat(100) });

describe('decoded copy of an answer body', () => {
  it('decodes identity, gzip, deflate and br fed in small chunks', async () => {
    const src = Buffer.from(json);
    expect(await decode(undefined, src, 1 << 20)).toEqual({ text: json, overCap: false });
    expect(await decode('identity', src, 1 << 20)).toEqual({ text: json, overCap: false });
    expect(await decode('gzip', zlib.gzipSync(src), 1 << 20)).toEqual({ text: json, overCap: false });
    expect(await decode('deflate', zlib.deflateSync(src), 1 << 20)).toEqual({ text: json, overCap: false });
    expect(await decode('br', zlib.brotliCompressSync(src), 1 << 20)).toEqual({ text: json, overCap: false });
  });

  it('gives up past the cap, for identity and compressed bodies alike', async () => {
    const big = Buffer.alloc(200_000, 0x61);
    expect(await decode(undefined, big, 100_000, 50_000)).toEqual({ text: null, overCap: true });
    expect(await decode('gzip', zlib.gzipSync(big), 100_000)).toEqual({ text: null, overCap: true });
    expect(await decode('gzip', zlib.gzipSync(big), 200_000)).toEqual({ text: 'a'.repeat(200_000), overCap: false });
  });

  it('reads nothing from a corrupt or unknown encoding', async () => {
    expect(await decode('gzip', Buffer.from('not gzip at all'), 1 << 20)).toEqual({ text: null, overCap: false });
    expect(await decode('zstd', Buffer.from(json), 1 << 20)).toEqual({ text: null, overCap: false });
  });
});
