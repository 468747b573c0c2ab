import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BudgetAlert } from '../../../../src/main/contract/budgets.js';
import type { Clock } from '../../../../src/main/core/util/clock.js';
import { startTollgate, type Tollgate } from '../../../support/harness.js';

export interface Served {
  model: string;
  promptTokens: number;
  completionTokens: number;
  at: number;
}

/**
 * An OpenAI-style upstream whose usage follows the request: 10 prompt tokens and exactly the max_tokens it was
 * sent (after any clamp), so every call uses all the output it was allowed. Every answered call is logged: the
 * log is the ground truth of what was spent.
 */
export async function startMeteredUpstream(o: { delayMs?: number } = {}) {
  const served: Served[] = [];
  let delayMs = o.delayMs ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; max_tokens?: number; max_completion_tokens?: number };
      const out = body.max_completion_tokens ?? body.max_tokens ?? 16;
      const wait = Number(req.headers['x-delay-ms'] ?? delayMs);
      setTimeout(() => {
        if (res.destroyed) return;
        served.push({ model: body.model, promptTokens: 10, completionTokens: out, at: Date.now() });
        const text = JSON.stringify({
          id: 'chatcmpl-team',
          object: 'chat.completion',
          created: 1,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: out, total_tokens: 10 + out },
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, wait);
    });
  });
  // Node closes idle keep-alive sockets after 5 s; a proxy reusing one at that moment gets ECONNRESET (a 502 the
  // test would read as Tollgate's). Tests pause longer than that between bursts on a loaded machine.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    setDelay: (ms: number) => void (delayMs = ms),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export type MeteredUpstream = Awaited<ReturnType<typeof startMeteredUpstream>>;

/** A Tollgate in team mode, with every budget alert it delivers collected. */
export async function startTeamTollgate(upstream: string, redisUrl: string, o: { leaseMs?: number; dataDir?: string; clock?: Clock } = {}): Promise<Tollgate & { delivered: BudgetAlert[] }> {
  const tg = await startTollgate({ upstream, ...(o.dataDir ? { dataDir: o.dataDir } : {}), core: { redisUrl, ...(o.leaseMs ? { team: { leaseMs: o.leaseMs } } : {}), ...(o.clock ? { clock: o.clock } : {}) } });
  const delivered: BudgetAlert[] = [];
  tg.core.events.on('budget.alert', (a) => void delivered.push(a as BudgetAlert));
  return Object.assign(tg, { delivered });
}

/** One chat call through a Tollgate; its status and, for a refusal, the message. */
export async function chat(url: string, model: string, maxTokens: number, headers: Record<string, string> = {}): Promise<{ status: number; message: string }> {
  const res = await fetch(`${url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-team-test-0000000000000000', ...headers },
    body: JSON.stringify({ model, max_tokens: maxTokens, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await res.json()) as { error?: { message?: string } };
  return { status: res.status, message: body.error?.message ?? '' };
}

/** Dollars for a logged call at the given prices per million tokens. */
export function costOf(s: Served, price: { inputPerMTok: number | null; outputPerMTok: number | null }): number {
  return (s.promptTokens * price.inputPerMTok! + s.completionTokens * price.outputPerMTok!) / 1e6;
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
