/**
 * Idle connections (issue 7, client faults). The soak holds thousands open and checks serving is unaffected;
 * this checks they do not stay open for ever: Node's headersTimeout only starts counting at a connection's first
 * byte, so Tollgate gives a socket that never sends one the same deadline. Each idle socket costs a file
 * descriptor; enough of them and accept() would fail with EMFILE.
 */
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTollgate } from '../support/harness.js';

const HEADERS_TIMEOUT_MS = 1000;

describe('idle connections', () => {
  it('a connection that never sends a byte is closed after the header timeout; one that is busy is not', async () => {
    const tg = await startTollgate({ core: { headersTimeoutMs: HEADERS_TIMEOUT_MS } });
    try {
      const port = Number(new URL(tg.url).port);
      const silent = net.connect(port, '127.0.0.1');
      silent.on('error', () => {});
      const t0 = Date.now();
      const closed = await new Promise<number | null>((resolve) => {
        silent.on('close', () => resolve(Date.now() - t0));
        setTimeout(() => resolve(null), HEADERS_TIMEOUT_MS + 5000);
      });
      silent.destroy();
      expect(closed).not.toBeNull();
      expect(closed!).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      // A keep-alive client that keeps making requests is not cut off by the new-connection deadline.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < 6; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: `/api/status.get`, agent, headers: { authorization: `Bearer ${tg.core.adminToken}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          });
          req.on('error', reject);
        });
        expect(status).toBe(200);
        await new Promise((r) => setTimeout(r, 300));
      }
      agent.destroy();
    } finally {
      await tg.stop();
    }
  }, 20_000);
});
