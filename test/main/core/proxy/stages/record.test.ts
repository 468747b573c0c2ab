import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pricer } from '../../../../../src/main/core/pricing/pricer.js';
import { createRecorder } from '../../../../../src/main/core/proxy/stages/record.js';
import { createSilentLogger } from '../../../../../src/main/core/util/log.js';

/**
 * The history's afterWrite as it runs in Tollgate: the callbacks wait for the tick's journal write, made after the
 * poll phase (setImmediate), not in the tick that asked.
 */
function journalLike() {
  const waiting: (() => void)[] = [];
  return (cb: () => void) => {
    if (waiting.push(cb) === 1) setImmediate(() => waiting.splice(0).forEach((f) => f()));
  };
}

let server: http.Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/**
 * A real server whose handler writes `chunks` in one tick and then has the recorder end the answer, as a stream's
 * tap does when the upstream's last chunk and its end arrive together. Counts the writes on the server's socket.
 */
async function serve(chunks: string[], afterWrite: (cb: () => void) => void, received: string[] = []): Promise<{ body: string; writes: number }> {
  const recorder = createRecorder({ pricer: {} as Pricer, record: () => {}, log: createSilentLogger(), afterWrite });
  let writes = 0;
  server = http.createServer((req, res) => {
    const sock = res.socket as Socket & { _writeGeneric: (...a: unknown[]) => unknown };
    const generic = sock._writeGeneric;
    sock._writeGeneric = function (...a: unknown[]) {
      writes++;
      return generic.apply(this, a);
    };
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const c of chunks) res.write(c);
      recorder.end(res);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ port: (server!.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        received.push(d);
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end('{}');
  });
  return { body, writes };
}

describe('recorder.end', () => {
  it("sends a stream's last chunks and the end of its answer in one write while the record is journaled", async () => {
    const chunks = ['data: {"a":1}\n\n', 'data: {"b":2}\n\n', 'data: [DONE]\n\n'];
    const r = await serve(chunks, journalLike());
    expect(r.body).toBe(chunks.join(''));
    // Headers, the three chunks and the chunked terminator: one write(2), one packet.
    expect(r.writes).toBe(1);
  });

  it('ends the answer only after the record is written', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const received: string[] = [];
    let done = false;
    const pending = serve(['data: x\n\n'], (cb) => void gate.then(cb), received);
    void pending.then(() => (done = true));
    try {
      await new Promise((r) => setTimeout(r, 50));
      // The record is not on disk yet: the client has had neither the end nor the last chunk held with it.
      expect(done).toBe(false);
      expect(received).toEqual([]);
    } finally {
      release();
    }
    const r = await pending;
    expect(r.body).toBe('data: x\n\n');
  });

  it('without a history (afterWrite runs at once) the answer ends in the same write too', async () => {
    const r = await serve(['data: x\n\n'], (cb) => cb());
    expect(r.body).toBe('data: x\n\n');
    expect(r.writes).toBe(1);
  });
});
