import { isLoopback } from './proxy/request-gate.js';

/**
 * What `npm run serve` prints, loudly, when bound beyond loopback (a team server on the LAN): who can reach it,
 * and what then protects it. Null on loopback, where only this machine can connect.
 */
export function bindWarning(host: string, adminTokenFile: string): string | null {
  if (isLoopback(host)) return null;
  return [
    '',
    `WARNING: Tollgate is listening on ${host}, not only on this machine: anyone who can reach that address can connect.`,
    '  - Every proxied request must carry a Tollgate key (tg_…); provider keys sent directly are refused.',
    `  - The admin API and the dashboard need the admin token in ${adminTokenFile}: keep it to the admins.`,
    '  - Traffic is plain HTTP: use a network you trust, or put a TLS proxy in front.',
    '',
  ].join('\n');
}
