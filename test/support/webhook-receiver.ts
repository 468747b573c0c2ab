import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** What the receiver answered. */
  status: number;
}

/**
 * A webhook endpoint on loopback that answers with scripted statuses (then 200) and keeps every request.
 * `answer` may also be changed while it runs.
 */
export async function startWebhookReceiver(script: number[] = []): Promise<{
  url: string;
  received: ReceivedHook[];
  script: number[];
  retryAfter: string | null;
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}> {
  const received: ReceivedHook[] = [];
  const state = { script: [...script], retryAfter: null as string | null };
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = state.script.shift() ?? 200;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {}
      received.push({ at: Date.now(), headers: req.headers, body, status });
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (status !== 200 && state.retryAfter) headers['retry-after'] = state.retryAfter;
      res.writeHead(status, headers);
      res.end(status === 200 ? 'ok' : 'nope');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret`,
    received,
    get script() {
      return state.script;
    },
    set script(v: number[]) {
      state.script = v;
    },
    get retryAfter() {
      return state.retryAfter;
    },
    set retryAfter(v: string | null) {
      state.retryAfter = v;
    },
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: expected ${n} requests, got ${received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
