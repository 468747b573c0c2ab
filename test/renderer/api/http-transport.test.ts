import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src/renderer/src/api/errors';
import { createHttpTransport } from '../../../src/renderer/src/api/http-transport';
import type { ConnectionState } from '../../../src/renderer/src/api/transport';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Just enough of EventSource to drive the transport: the real one is exercised in Chromium by test/e2e. */
class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static last: FakeEventSource | null = null;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (e: { data: string }) => void>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, fn);
  }
  close() {
    this.closed = true;
  }
}

describe('HTTP transport', () => {
  it('POSTs the input to /api/<channel> with the page origin’s cookie and unwraps the answer', async () => {
    const fetch = vi.fn(async () => json(200, { ok: true, data: [{ id: 'key_1' }] }));
    const t = createHttpTransport({ fetch: fetch as typeof globalThis.fetch });
    await expect(t.api['keys.list']()).resolves.toEqual([{ id: 'key_1' }]);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/keys.list');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{}' });
    await t.api['spend.query']({ from: '2026-11-01' });
    expect((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body).toBe('{"from":"2026-11-01"}');
  });

  it('throws the core’s error with its field', async () => {
    const t = createHttpTransport({ fetch: (async () => json(400, { ok: false, error: { code: 'invalid', message: 'timezone: nope', field: 'timezone' } })) as typeof fetch });
    const err = await t.api['settings.update']({ timezone: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid', field: 'timezone', message: 'timezone: nope' });
  });

  it('says in words when Tollgate cannot be reached or answers nonsense', async () => {
    const down = createHttpTransport({ fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    await expect(down.api['status.get']()).rejects.toThrow("Can't reach Tollgate. Is it still running?");
    const odd = createHttpTransport({ fetch: (async () => new Response('<html>', { status: 502, statusText: 'Bad Gateway' })) as typeof fetch });
    await expect(odd.api['status.get']()).rejects.toThrow('Tollgate answered 502 Bad Gateway without an explanation.');
  });

  it('is not mistaken for a promise, and only channel names become calls', () => {
    const t = createHttpTransport({ fetch: vi.fn() as unknown as typeof fetch });
    expect((t.api as unknown as { then?: unknown }).then).toBeUndefined();
    expect(typeof t.api['keys.list']).toBe('function');
  });

  it('streams events, and turns a 401 into a signed-out page', async () => {
    const fetch = vi.fn(async () => json(401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong admin token' } }));
    const t = createHttpTransport({ fetch: fetch as typeof globalThis.fetch, EventSource: FakeEventSource as unknown as typeof EventSource, retryMs: 60_000 });
    const states: ConnectionState[] = [];
    const events: [string, unknown][] = [];
    const stop = t.subscribe((n, p) => events.push([n, p]), (s) => states.push(s));
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/events');
    es.onopen!();
    es.listeners.get('request.recorded')!({ data: '{"id":"req_1"}' });
    expect(events).toEqual([['request.recorded', { id: 'req_1' }]]);
    // The server refused the stream: the transport asks why, and the 401 says the session is gone.
    es.readyState = FakeEventSource.CLOSED;
    es.onerror!();
    await vi.waitFor(() => expect(states.at(-1)).toBe('signed-out'));
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'signed-out']);
    stop();
    expect(FakeEventSource.last).toBe(es);
    // A live stream is closed on stop.
    const stop2 = t.subscribe(() => {}, () => {});
    const es2 = FakeEventSource.last!;
    expect(es2).not.toBe(es);
    stop2();
    expect(es2.closed).toBe(true);
  });
});
