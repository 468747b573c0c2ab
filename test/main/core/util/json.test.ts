import { describe, expect, it } from 'vitest';
import { appendMember } from '../../../../src/main/core/util/json.js';

const MEMBER = '"stream_options":{"include_usage":true}';

describe('appendMember', () => {
  it('adds the member before the closing brace and leaves every other byte as it was', () => {
    const cases: [string, string][] = [
      ['{"model":"m","stream":true}', '{"model":"m","stream":true,' + MEMBER + '}'],
      ['{}', '{' + MEMBER + '}'],
      ['{ \n }\n', '{ \n ' + MEMBER + '}\n'],
      ['{"a":{},"b":"{"}  ', '{"a":{},"b":"{",' + MEMBER + '}  '],
      ['{"text":"héllo \u2603 — ok", "n" : [1, {}] }\r\n', '{"text":"héllo \u2603 — ok", "n" : [1, {}] ,' + MEMBER + '}\r\n'],
    ];
    for (const [input, want] of cases) {
      const out = appendMember(Buffer.from(input), MEMBER)!;
      expect(out.toString('utf8')).toBe(want);
      const parsed = JSON.parse(out.toString('utf8')) as Record<string, unknown>;
      expect(parsed.stream_options).toEqual({ include_usage: true });
      expect({ ...parsed, stream_options: undefined }).toEqual({ ...(JSON.parse(input) as object), stream_options: undefined });
    }
  });

  it('refuses text that does not end in an object', () => {
    expect(appendMember(Buffer.from('[1,2]'), MEMBER)).toBeNull();
    expect(appendMember(Buffer.from('  '), MEMBER)).toBeNull();
    expect(appendMember(Buffer.from('}'), MEMBER)).toBeNull();
  });
});
