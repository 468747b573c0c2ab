import { describe, expect, it } from 'vitest';
import { messages } from '../../../../src/main/core/providers/anthropic/messages.js';
import { createGeminiRoutes } from '../../../../src/main/core/providers/gemini/operations.js';
import { chatCompletions, responses } from '../../../../src/main/core/providers/openai/operations.js';

const sse = (data: unknown) => JSON.stringify(data);

describe('stream meters', () => {
  it('Responses API: usage on response.incomplete and response.failed counts, like response.completed', () => {
    for (const type of ['response.incomplete', 'response.failed', 'response.completed']) {
      const m = responses().createStreamMeter({ changed: false, injectedUsage: false });
      m.onEvent('response.output_text.delta', sse({ type: 'response.output_text.delta', delta: 'abcd' }), '');
      m.onEvent(type, sse({ type, response: { model: 'gpt-5', usage: { input_tokens: 50, output_tokens: 7, output_tokens_details: { reasoning_tokens: 3 } } } }), '');
      const r = m.result();
      expect(r.complete).toBe(true);
      expect(r.usage).toMatchObject({ inputTokens: 50, outputTokens: 7, reasoningTokens: 3 });
      expect(r.textChars).toBe(4);
    }
  });

  it('keeps the upstream id of the reply (Responses id, Anthropic message id): log import skips calls it saw', () => {
    const r = responses().createStreamMeter({ changed: false, injectedUsage: false });
    r.onEvent('response.created', sse({ type: 'response.created', response: { id: 'resp_abc', model: 'gpt-5' } }), '');
    r.onEvent('response.completed', sse({ type: 'response.completed', response: { id: 'resp_abc', model: 'gpt-5', usage: { input_tokens: 5, output_tokens: 1 } } }), '');
    expect(r.result().upstreamId).toBe('resp_abc');
    expect(responses().usageFromBody({ id: 'resp_body', model: 'gpt-5', usage: { input_tokens: 1, output_tokens: 1 } }).upstreamId).toBe('resp_body');
    const a = messages().createStreamMeter({ changed: false, injectedUsage: false });
    a.onEvent('message_start', sse({ type: 'message_start', message: { id: 'msg_01X', model: 'claude-sonnet-4-5', usage: { input_tokens: 3, output_tokens: 1 } } }), '');
    expect(a.result().upstreamId).toBe('msg_01X');
    expect(messages().usageFromBody({ id: 'msg_01Y', model: 'claude-sonnet-4-5', usage: { input_tokens: 1, output_tokens: 1 } }).upstreamId).toBe('msg_01Y');
  });

  it('Anthropic: message_delta usage is cumulative: the last value wins, nothing is summed', () => {
    const m = messages().createStreamMeter({ changed: false, injectedUsage: false });
    m.onEvent('message_start', sse({ type: 'message_start', message: { model: 'claude-sonnet-4-5', usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 1 } } }), '');
    m.onEvent('content_block_delta', sse({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'Hello' } }), '');
    expect(m.result().complete).toBe(false);
    m.onEvent('message_delta', sse({ type: 'message_delta', usage: { output_tokens: 100 } }), '');
    m.onEvent('message_delta', sse({ type: 'message_delta', usage: { output_tokens: 215, input_tokens: 12 } }), '');
    const r = m.result();
    expect(r.usage).toMatchObject({ inputTokens: 12 + 90, cacheReadTokens: 90, outputTokens: 215 });
    expect(r.complete).toBe(true);
    expect(r.responseModel).toBe('claude-sonnet-4-5');
    expect(r.textChars).toBe(5);
  });

  it('Gemini: usageMetadata holds running totals; the last one is the call', () => {
    const op = createGeminiRoutes()('POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent')!;
    const m = op.createStreamMeter({ changed: false, injectedUsage: false });
    const chunk = (text: string, usage: object, finish = false) =>
      sse({ candidates: [{ content: { parts: [{ text }] }, ...(finish ? { finishReason: 'STOP' } : {}) }], usageMetadata: usage, modelVersion: 'gemini-2.5-flash' });
    m.onEvent(undefined, chunk('Hel', { promptTokenCount: 9, totalTokenCount: 9 }), '');
    expect(m.result().complete).toBe(false);
    m.onEvent(undefined, chunk('lo', { promptTokenCount: 9, candidatesTokenCount: 5, thoughtsTokenCount: 21 }, true), '');
    expect(m.result()).toMatchObject({ complete: true, textChars: 5, usage: { inputTokens: 9, outputTokens: 26, reasoningTokens: 21 } });
  });

  it('OpenAI chat in filter mode: drops the injected usage chunk and the "usage":null fields, keeps everything else byte for byte', () => {
    const m = chatCompletions({ injectStreamUsage: true, outputCapField: 'max_completion_tokens' }).createStreamMeter({ changed: true, injectedUsage: true });
    const content = 'data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi \\"usage\\":null"}}],"usage":null}\n\n';
    expect(m.onEvent(undefined, content.slice(6, -2), content)).toBe('data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi \\"usage\\":null"}}]}\n\n');
    const usage = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\n';
    expect(m.onEvent(undefined, usage.slice(6, -2), usage)).toBe('');
    expect(m.onEvent(undefined, '[DONE]', 'data: [DONE]\n\n')).toBe('data: [DONE]\n\n');
    expect(m.result()).toMatchObject({ complete: true, usage: { inputTokens: 5, outputTokens: 2 } });
  });

  it('OpenAI chat when the client asked for usage: nothing is removed', () => {
    const m = chatCompletions({ injectStreamUsage: true, outputCapField: 'max_completion_tokens' }).createStreamMeter({ changed: false, injectedUsage: false });
    const usage = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\n';
    expect(m.onEvent(undefined, usage.slice(6, -2), usage)).toBe(usage);
  });
});
