import { describe, expect, it } from 'vitest';
import { createSseFilter, createSseTap } from '../../../../src/main/core/proxy/sse.js';
import { chatCompletions } from '../../../../src/main/core/providers/openai/operations.js';
import type { MeteredUsage, StreamMeter } from '../../../../src/main/core/providers/types.js';

/** A meter that records events and drops those whose data is "drop". */
function recorder() {
  const events: [string | undefined, string][] = [];
  const meter: StreamMeter = {
    onEvent(event, data, raw) {
      events.push([event, data]);
      return data === 'drop' ? '' : raw;
    },
    result: () => ({}) as MeteredUsage,
  };
  return { events, meter };
}

const FRAMES = (eol: string) => `event: a${eol.slice(0, eol.length / 2)}data: 1${eol}: comment${eol.slice(0, eol.length / 2)}data: drop${eol}data: x${eol.slice(0, eol.length / 2)}data: y${eol}`;

describe('SSE per the WHATWG specification', () => {
  for (const [name, eol] of [['LF', '\n\n'], ['CRLF', '\r\n\r\n'], ['CR', '\r\r']] as const) {
    it(`${name}: frames, multi-line data and comments, whatever the chunking`, () => {
      const text = FRAMES(eol);
      for (const size of [1, 2, 3, 7, text.length]) {
        const { events, meter } = recorder();
        let out = '';
        const filter = createSseFilter(meter, (t) => (out += t), () => {});
        for (let i = 0; i < text.length; i += size) filter.push(Buffer.from(text.slice(i, i + size)));
        filter.flush();
        expect(events, `${name} in ${size}-byte chunks`).toEqual([['a', '1'], [undefined, 'drop'], [undefined, 'x\ny']]);
        expect(out).toBe(text.replace(`: comment${eol.slice(0, eol.length / 2)}data: drop${eol}`, ''));
      }
    });
  }

  it('mixed line endings: \\n\\r\\n and \\r\\n\\n end frames too', () => {
    const { events, meter } = recorder();
    const tap = createSseTap(meter, () => {});
    tap.push(Buffer.from('data: 1\n\r\ndata: 2\r\n\ndata: 3\r\n\rdata: 4\n\n'));
    tap.end();
    expect(events.map((e) => e[1])).toEqual(['1', '2', '3', '4']);
  });

  it('a last frame without its blank line is still metered, and still filtered', () => {
    const a = recorder();
    const tap = createSseTap(a.meter, () => {});
    tap.push(Buffer.from('data: 1\n\ndata: last'));
    tap.end();
    expect(a.events.map((e) => e[1])).toEqual(['1', 'last']);
    const b = recorder();
    let out = '';
    const filter = createSseFilter(b.meter, (t) => (out += t), () => {});
    filter.push(Buffer.from('data: 1\n\ndata: drop\n'));
    filter.flush();
    expect(out).toBe('data: 1\n\n');
  });

  it('a UTF-8 character split across chunks is read whole', () => {
    const { events, meter } = recorder();
    const tap = createSseTap(meter, () => {});
    const bytes = Buffer.from('data: café😀\n\n');
    for (const b of bytes) tap.push(Buffer.from([b]));
    expect(events).toEqual([[undefined, 'café😀']]);
  });
});

describe('a stream that is one JSON body after all', () => {
  it('passes unchanged and is metered whole', () => {
    const { events, meter } = recorder();
    let out = '';
    const filter = createSseFilter(meter, (t) => (out += t), () => {});
    const body = '\n{"choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":1}}';
    filter.push(Buffer.from(body.slice(0, 1)));
    filter.push(Buffer.from(body.slice(1, 20)));
    filter.push(Buffer.from(body.slice(20)));
    filter.flush();
    expect(out).toBe(body);
    expect(events).toEqual([[undefined, body]]);
  });
});

describe('the injected usage field', () => {
  const op = chatCompletions({ injectStreamUsage: true, outputCapField: 'max_completion_tokens' });
  const chunk = (content: string, usage: string) =>
    `data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}}}]${usage}}\n\n`;
  const clientStream = chunk('café ', '') + chunk('😀 "usage":null}', '') + 'data: [DONE]\n\n';
  const upstream =
    chunk('café ', ',"usage":null') +
    chunk('😀 "usage":null}', ',"usage":null') +
    'data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n' +
    'data: [DONE]\n\n';

  it('is cut byte for byte, whatever the chunking, and the usage is still metered', () => {
    const bytes = Buffer.from(upstream);
    for (const size of [1, 5, 13, 14, 64, bytes.length]) {
      const meter = op.createStreamMeter({ changed: true, injectedUsage: true });
      const parts: Buffer[] = [];
      const filter = createSseFilter(meter, (d) => parts.push(Buffer.from(d)), () => {});
      for (let i = 0; i < bytes.length; i += size) filter.push(bytes.subarray(i, i + size));
      filter.flush();
      expect(Buffer.concat(parts).toString(), `${size}-byte chunks`).toBe(clientStream);
      expect(meter.result().usage?.inputTokens).toBe(3);
    }
  });

  it('a chunk of whole frames with nothing to change is written as the very buffer that came', () => {
    const meter = op.createStreamMeter({ changed: true, injectedUsage: true });
    const written: (Buffer | string)[] = [];
    const filter = createSseFilter(meter, (d) => written.push(d), () => {});
    const frames = upstream.split(/(?<=\n\n)/).map((f) => Buffer.from(f));
    for (const f of frames) filter.push(f);
    filter.flush();
    expect(written[0]).toBe(chunk('café ', '')); // the field was cut: text
    expect(written).toHaveLength(3); // the usage frame is dropped
    expect(written[2]).toBe(frames[3]); // [DONE] as it came
  });
});
