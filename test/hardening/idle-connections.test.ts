/**
 * Idle connections (issue 7, client faults). The soak holds thousands open and checks serving is unaffected;
 * this checks they do not stay open for ever. They do today: Node's headersTimeout only starts counting at a
 * connection's first byte, so a socket that never sends one is held until the client goes away (in the
 * four-minute soak, all 2,000 were still open at the end). Each costs a file descriptor; enough of them and
 * accept() fails with EMFILE.
 *
 * Known bug, left to the proxy's owner (src/main/core/proxy/server.ts): give each new socket a timer of
 * headersTimeout that destroys it unless a first byte arrives. Turn `it.fails` into `it` once that is in.
 * The test waits up to 35 s, so it runs only under `npm run test:hardening`.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTollgate } from '../support/harness.js';
import { fullRun } from './support/figures.js';

const HEADERS_TIMEOUT_MS = 20_000; // server.ts

describe('idle connections', () => {
  (fullRun() ? it.fails : it.skip)(
    `a connection that never sends a byte is closed after the header timeout [known bug in proxy/server.ts; waits ${HEADERS_TIMEOUT_MS / 1000 + 5} s, so only in test:hardening]`,
    async () => {
      const tg = await startTollgate();
      try {
        const s = net.connect(Number(new URL(tg.url).port), '127.0.0.1');
        s.on('error', () => {});
        const closed = await new Promise<boolean>((resolve) => {
          s.on('close', () => resolve(true));
          setTimeout(() => resolve(false), HEADERS_TIMEOUT_MS + 5000);
        });
        s.destroy();
        expect(closed).toBe(true);
      } finally {
        await tg.stop();
      }
    },
    HEADERS_TIMEOUT_MS + 20_000,
  );
});
