/**
 * The stream meters' CPU per 20-event stream, per provider: `npx tsx bench/stream-meters.ts`. Each stream is
 * metered 100,000 times after a warm-up; the figure is process CPU time divided by streams. Noisy on a shared
 * machine: compare figures from one run, or runs back to back.
 */
import { messages } from '../src/main/core/providers/anthropic/messages.js';
import { createGeminiRoutes } from '../src/main/core/providers/gemini/operations.js';
import { chatCompletions, responses } from '../src/main/core/providers/openai/operations.js';
import type { Operation, PreparedCall } from '../src/main/core/providers/types.js';
import { createSseFilter, createSseTap } from '../src/main/core/proxy/sse.js';

const words = (i: number) => ` word${i} and some more text`;
const chat = (injected: boolean) => {
  const extra = injected ? ',"usage":null' : '';
  const ev: [string | undefined, string][] = [];
  for (let i = 0; i < 18; i++) ev.push([undefined, `{"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":${JSON.stringify(words(i))}},"finish_reason":null}]${extra}}`]);
  ev.push([undefined, `{"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}`]);
  ev.push([undefined, '[DONE]']);
  return ev;
};
const anthropic: [string | undefined, string][] = [
  ['message_start', '{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":10,"output_tokens":1}}}'],
  ...Array.from({ length: 17 }, (_, i) => ['content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(words(i))}}}`] as [string, string]),
  ['message_delta', '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":20}}'],
  ['message_stop', '{"type":"message_stop"}'],
];
const gemini: [string | undefined, string][] = Array.from({ length: 20 }, (_, i) => [undefined, `{"candidates":[{"content":{"parts":[{"text":${JSON.stringify(words(i))}}],"role":"model"}${i === 19 ? ',"finishReason":"STOP"' : ''},"index":0}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":${i + 1},"totalTokenCount":${i + 11}},"modelVersion":"gemini-2.5-flash"}`]);
const resp: [string | undefined, string][] = [
  ['response.created', '{"type":"response.created","response":{"id":"resp_1","model":"gpt-5","status":"in_progress","usage":null}}'],
  ...Array.from({ length: 18 }, (_, i) => ['response.output_text.delta', `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":${JSON.stringify(words(i))}}`] as [string, string]),
  ['response.completed', '{"type":"response.completed","response":{"id":"resp_1","model":"gpt-5","status":"completed","usage":{"input_tokens":10,"output_tokens":20,"input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":0}}}}'],
];

function bench(name: string, op: Operation, prepared: PreparedCall, events: [string | undefined, string][]) {
  const raws = events.map(([e, d]) => (e ? `event: ${e}\n` : '') + `data: ${d}\n\n`);
  const run = () => {
    const m = op.createStreamMeter(prepared);
    for (let i = 0; i < events.length; i++) m.onEvent(events[i]![0], events[i]![1], raws[i]!);
    return m.result();
  };
  for (let i = 0; i < 20000; i++) run();
  const N = 100000;
  const t = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < N; i++) sink += run().textChars;
  const c = process.cpuUsage(t);
  const us = (c.user + c.system) / N;
  const r = run();
  console.log(`${name.padEnd(28)} ${us.toFixed(2)} µs / 20-event stream  usage=${JSON.stringify(r.usage)} chars=${r.textChars} ${sink > 0 ? '' : '!'}`);
}
const inj = { changed: true, injectedUsage: true };
const plain = { changed: false, injectedUsage: false };
const opts = { injectStreamUsage: true, outputCapField: 'max_completion_tokens' as const };
bench('openai chat (injected)', chatCompletions(opts), inj, chat(true));
bench('openai chat (client usage)', chatCompletions(opts), plain, chat(false));
bench('openai responses', responses(), plain, resp);
bench('anthropic messages', messages(), plain, anthropic);
bench('gemini streamGenerate', createGeminiRoutes()('POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent')!, plain, gemini);

/** The whole injected-usage stream path: 20 upstream chunks (one frame each) through the filter or the tap. */
function benchPipe(name: string, injected: boolean) {
  const chunks = chat(injected).map(([, d]) => Buffer.from(`data: ${d}\n\n`));
  const op = chatCompletions(opts);
  let bytes = 0;
  const write = (b: Buffer | string) => {
    bytes += typeof b === 'string' ? Buffer.byteLength(b) : b.length;
  };
  const run = () => {
    const m = op.createStreamMeter(injected ? inj : plain);
    if (injected) {
      const f = createSseFilter(m, write, () => {});
      for (const c of chunks) f.push(c);
      f.flush();
    } else {
      const tap = createSseTap(m, () => {});
      for (const c of chunks) {
        write(c);
        tap.push(c);
      }
      tap.end();
    }
    return m.result();
  };
  for (let i = 0; i < 20000; i++) run();
  const N = 100000;
  bytes = 0;
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) run();
  const c = process.cpuUsage(t);
  console.log(`${name.padEnd(28)} ${((c.user + c.system) / N).toFixed(2)} µs / 20-chunk stream  bytes out=${bytes / N}`);
}
benchPipe('sse filter (injected)', true);
benchPipe('sse tap (client usage)', false);
