import { describe, expect, it } from 'vitest';
import { parseRunOptions, UsageError } from '../../../src/main/core/cli-options.js';
import { redactUrl } from '../../../src/main/core/team/connect.js';

describe('--redis / TOLLGATE_REDIS_URL', () => {
  it('takes the flag over the env var, and neither means no team mode', () => {
    expect(parseRunOptions([], {}).redisUrl).toBeNull();
    expect(parseRunOptions([], { TOLLGATE_REDIS_URL: 'rediss://:pw@redis.example:6380/2' }).redisUrl).toBe('rediss://:pw@redis.example:6380/2');
    expect(parseRunOptions(['--redis', 'redis://127.0.0.1:6379'], { TOLLGATE_REDIS_URL: 'redis://other:1' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(parseRunOptions(['--redis=redis://a:1'], {}).redisUrl).toBe('redis://a:1');
  });

  it('refuses another scheme without echoing the password', () => {
    expect(() => parseRunOptions(['--redis', 'http://user:secret@host:1'], {})).toThrow(UsageError);
    try {
      parseRunOptions(['--redis', 'http://user:secret@host:1'], {});
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });

  it('shows an address with its password hidden', () => {
    expect(redactUrl('rediss://default:hunter2@redis.example:6380')).toBe('rediss://default:***@redis.example:6380');
    expect(redactUrl('redis://127.0.0.1:6379')).not.toContain('***');
  });
});
