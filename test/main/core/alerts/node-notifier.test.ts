import { describe, expect, it } from 'vitest';
import { createNodeNotifier } from '../../../../src/main/core/alerts/node-notifier.js';
import type { AlertNotification } from '../../../../src/main/core/alerts/notifier.js';

const n: AlertNotification = { id: 'a', kind: 'threshold', title: 'R&D at 80%', body: 'R&D <team>: $48 of $60\\n', budgetId: 'b1', critical: false };

function fake(response: string, metadata?: { activationType?: string }, err: Error | null = null) {
  const calls: Record<string, unknown>[] = [];
  return {
    calls,
    notify: (o: Record<string, unknown>, cb: (err: Error | null, response: string, metadata?: { activationType?: string }) => void) => {
      calls.push(o);
      setImmediate(() => cb(err, response, metadata));
    },
  };
}

describe('the node-notifier adapter', () => {
  it('on Linux escapes the body for notify-send and body markup, and does not wait for a click it cannot get', async () => {
    const f = fake('');
    const clicks: AlertNotification[] = [];
    await createNodeNotifier({ platform: 'linux', notify: f.notify, onClick: (x) => clicks.push(x), icon: '/x/icon.png' }).show(n);
    expect(f.calls[0]).toMatchObject({ title: 'R&D at 80%', message: 'R&amp;D &lt;team&gt;: $48 of $60\\\\n', 'app-name': 'Tollgate', urgency: 'normal', wait: false, icon: '/x/icon.png', timeout: 10 });
    expect(clicks).toEqual([]);
  });

  it('on macOS waits for the click and reports it', async () => {
    const f = fake('activate', { activationType: 'contentsClicked' });
    const clicks: AlertNotification[] = [];
    await createNodeNotifier({ platform: 'darwin', notify: f.notify, onClick: (x) => clicks.push(x) }).show({ ...n, critical: true });
    expect(f.calls[0]).toMatchObject({ message: n.body, wait: true, urgency: 'critical', timeout: false });
    await new Promise((r) => setImmediate(r));
    expect(clicks.map((c) => c.budgetId)).toEqual(['b1']);
  });

  it('reports a failure to show', async () => {
    const f = fake('', undefined, new Error('notify-send must be installed on the system.'));
    await expect(createNodeNotifier({ platform: 'linux', notify: f.notify }).show(n)).rejects.toThrow(/notify-send must be installed/);
  });
});
