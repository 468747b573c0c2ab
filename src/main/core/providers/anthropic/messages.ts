import { isObject, str } from '../../util/json.js';
import { callInfo, clampField, emptyMetered, modelOf, positiveInt } from '../shared.js';
import { createTextCounter, stringValue } from '../stream-scan.js';
import type { Operation } from '../types.js';
import { anthropicErrorFrame } from './errors.js';
import { anthropicUsage } from './usage.js';

/** The least `thinking.budget_tokens` Anthropic accepts. */
const THINKING_MIN = 1024;

/** Delta fields that carry generated text: text, extended thinking and tool input JSON. */
const deltaTextChars = createTextCounter(['text', 'thinking', 'partial_json']);

const isLong = (b: unknown) => isObject(b) && isObject(b.cache_control) && b.cache_control.ttl === '1h';
const anyLong = (list: unknown) => Array.isArray(list) && list.some(isLong);

/**
 * Whether a request asks for 1-hour cache entries anywhere a `cache_control` may sit: on the request (automatic
 * caching), on system and tool blocks, and on message content blocks. Without one, every write is a 5-minute write.
 */
export function asksLongCache(body: Record<string, unknown> | null): boolean {
  if (!body) return true;
  if (isLong(body) || anyLong(body.system) || anyLong(body.tools)) return true;
  if (!Array.isArray(body.messages)) return false;
  for (const m of body.messages) if (isObject(m) && anyLong(m.content)) return true;
  return false;
}

/**
 * POST /v1/messages. In streams, `message_start` carries input and cache usage and `message_delta.usage` is
 * cumulative (output, sometimes input fields too): the last value of each field wins, nothing is summed.
 */
export function messages(): Operation {
  return {
    name: 'messages',
    metered: true,
    jsonBody: true,
    inspect(body) {
      const info = callInfo(modelOf(body), body?.stream === true, positiveInt(body?.max_tokens), () => [body?.system, body?.messages, body?.tools]);
      const thinking = isObject(body?.thinking) && body.thinking.type === 'enabled' ? positiveInt(body.thinking.budget_tokens) : null;
      if (thinking !== null) info.thinkingBudget = thinking;
      let long: boolean | null = null;
      info.longCacheWrites = () => (long ??= asksLongCache(body));
      return info;
    },
    prepare: () => ({ changed: false, injectedUsage: false }),
    usageFromBody(json) {
      const m = emptyMetered();
      if (!isObject(json)) return m;
      m.responseModel = str(json.model);
      m.upstreamId = str(json.id);
      if (Array.isArray(json.content)) {
        for (const b of json.content) if (isObject(b) && typeof b.text === 'string') m.textChars += b.text.length;
      }
      if (isObject(json.usage)) {
        m.usage = anthropicUsage(json.usage);
        m.complete = true;
      }
      return m;
    },
    createStreamMeter() {
      const m = emptyMetered();
      let raw: Record<string, unknown> | null = null;
      return {
        onEvent(eventName, data, rawText) {
          const event = eventName ?? stringValue(data, 'type');
          if (event === 'content_block_delta') {
            // The most frequent event: its text is measured by a scan, never parsed (stream-scan.ts).
            m.textChars += deltaTextChars(data);
            return rawText;
          }
          if (event !== 'message_start' && event !== 'message_delta') return rawText;
          let ev: unknown;
          try {
            ev = JSON.parse(data);
          } catch {
            return rawText;
          }
          if (!isObject(ev)) return rawText;
          if (event === 'message_start' && isObject(ev.message)) {
            m.responseModel = str(ev.message.model);
            m.upstreamId = str(ev.message.id);
            if (isObject(ev.message.usage)) raw = { ...ev.message.usage };
          } else if (event === 'message_delta' && isObject(ev.usage)) {
            raw = { ...(raw ?? {}), ...ev.usage };
            m.complete = true;
          }
          if (raw) m.usage = anthropicUsage(raw);
          return rawText;
        },
        result: () => m,
      };
    },
    streamErrorFrame: (message) => anthropicErrorFrame('budget_exceeded', message),
    setModel(body, model, path) {
      if (body) body.model = model;
      return { body: !!body, path };
    },
    clampOutput(body, max) {
      if (!clampField(body, 'max_tokens', max)) return false;
      // Extended thinking needs 1,024 ≤ budget_tokens < max_tokens (docs.anthropic.com, extended thinking): a
      // budget that no longer fits gets half the new cap, so the answer keeps room after the thinking.
      const t = body!.thinking;
      if (isObject(t) && typeof t.budget_tokens === 'number' && t.budget_tokens >= max) {
        body!.thinking = { ...t, budget_tokens: Math.max(THINKING_MIN, Math.min(t.budget_tokens, Math.floor(max / 2))) };
      }
      return true;
    },
  };
}
