import { describe, expect, it } from 'vitest';
import { createQuotedTest, createTextCounter, objectValue, stringValue, valueKind } from '../../../../src/main/core/providers/stream-scan.js';

describe('string scans of stream events', () => {
  it('counts string values of the given keys, not values that merely look like keys', () => {
    const count = createTextCounter(['text', 'content']);
    expect(count('{"type":"text","delta":{"type":"text_delta","text":"Hello"}}')).toBe(5);
    expect(count('{"a":{"content": "ab"},"b":[{"text" : "c\\"d"}]}')).toBe(2 + 3);
    expect(count('{"content":null,"text":["x"]}')).toBe(0);
    expect(count('{"note":"the \\"text\\": \\"fake\\" inside a string"}')).toBe(0);
  });

  it('reads a string value, decoding escapes', () => {
    expect(stringValue('{"id":"x","model":"gpt-4o"}', 'model')).toBe('gpt-4o');
    expect(stringValue('{"model":"a\\u00e9"}', 'model')).toBe('aé');
    expect(stringValue('{"model":null}', 'model')).toBeNull();
  });

  it('tells an object value from null, and parses a nested object on its own', () => {
    expect(valueKind('{"usage":null}', 'usage').kind).toBe('null');
    expect(valueKind('{"usage" : {"a":1}}', 'usage').kind).toBe('object');
    expect(valueKind('{"x":"usage"}', 'usage').kind).toBe('absent');
    expect(objectValue('{"usageMetadata":{"promptTokenCount":9,"details":[{"m":"}"}]},"x":1}', 'usageMetadata')).toEqual({ promptTokenCount: 9, details: [{ m: '}' }] });
    expect(objectValue('{"usageMetadata":{"a":"}"}}', 'usageMetadata')).toEqual({ a: '}' });
  });

  it('finds a quoted key exactly where a search for it with its quotes would', () => {
    const hasUsage = createQuotedTest('usage');
    for (const s of ['{"usage":null}', '{"x":1,"usage" :{}}', 'usage"', '"usage', '{"usages":1}', '{"my_usage":1}', '{"x":"usage\\"}', 'usage""usage"', '', '"usage"']) {
      expect(hasUsage(s), s).toBe(s.includes('"usage"'));
    }
  });
});
