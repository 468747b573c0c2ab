import { describe, expect, it } from 'vitest';
import { asksLongCache, messages } from '../../../../../src/main/core/providers/anthropic/messages.js';

const long = { type: 'ephemeral', ttl: '1h' };
const short = { type: 'ephemeral' };

describe('whether a Messages request may write 1-hour cache entries', () => {
  it('finds a 1-hour cache_control on the request, a system or tool block, or a message content block', () => {
    const base = { model: 'claude-opus-4-1', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: short }] }] };
    expect(asksLongCache(base)).toBe(false);
    expect(asksLongCache({ ...base, cache_control: long })).toBe(true);
    expect(asksLongCache({ ...base, system: [{ type: 'text', text: 's', cache_control: long }] })).toBe(true);
    expect(asksLongCache({ ...base, tools: [{ name: 't', input_schema: {}, cache_control: long }] })).toBe(true);
    expect(asksLongCache({ ...base, messages: [...base.messages, { role: 'user', content: [{ type: 'text', text: 'x', cache_control: long }] }] })).toBe(true);
    // String content and a system prompt given as a string carry no cache_control.
    expect(asksLongCache({ ...base, system: 'be brief', messages: [{ role: 'user', content: 'hi' }] })).toBe(false);
  });

  it('is what the operation tells admission, lazily', () => {
    const info = messages().inspect({ model: 'claude-opus-4-1', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: long }] }] }, '/v1/messages', new URLSearchParams());
    expect(info.longCacheWrites?.()).toBe(true);
    expect(messages().inspect({ model: 'm', max_tokens: 10, messages: [] }, '/v1/messages', new URLSearchParams()).longCacheWrites?.()).toBe(false);
  });
});
