import { describe, expect, it } from 'vitest';
import { bindWarning } from '../../../src/main/core/bind-warning.js';

describe('bind warning', () => {
  it('says nothing on loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) expect(bindWarning(host, '/data/admin-token')).toBeNull();
  });

  it('warns beyond loopback: Tollgate keys required, the admin token, plain HTTP', () => {
    for (const host of ['0.0.0.0', '192.168.1.20', '::']) {
      const w = bindWarning(host, '/data/admin-token')!;
      expect(w).toContain(`WARNING: Tollgate is listening on ${host}`);
      expect(w).toContain('must carry a Tollgate key (tg_…)');
      expect(w).toContain('/data/admin-token');
      expect(w).toContain('plain HTTP');
    }
  });
});
