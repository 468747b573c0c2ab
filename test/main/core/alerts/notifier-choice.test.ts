import { describe, expect, it } from 'vitest';
import { chooseNotifier, type AlertNotification, type Notifier } from '../../../../src/main/core/alerts/notifier.js';

const recorder = (name: string, fail = false) => {
  const shown: string[] = [];
  const n: Notifier & { shown: string[] } = {
    name,
    shown,
    show: async (a: AlertNotification) => {
      if (fail) throw new Error(`${name} backend missing`);
      shown.push(a.title);
    },
  };
  return n;
};
const alert = { title: 'Budget "x" at 50%', body: 'b', critical: false, budgetId: 'b1' } as unknown as AlertNotification;

describe('which notifier the app uses', () => {
  it('node-notifier on macOS and Windows, where it reports clicks', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const node = recorder('node-notifier');
      const electron = recorder('electron');
      await chooseNotifier(platform, node, electron).show(alert);
      expect([node.shown.length, electron.shown.length]).toEqual([1, 0]);
    }
  });

  it("Electron's Notification on Linux, where notify-send cannot report a click", async () => {
    const node = recorder('node-notifier');
    const electron = recorder('electron');
    await chooseNotifier('linux', node, electron).show(alert);
    expect([node.shown.length, electron.shown.length]).toEqual([0, 1]);
  });

  it('falls back to the other when a backend fails, so no alert is lost', async () => {
    const node = recorder('node-notifier', true);
    const electron = recorder('electron');
    await chooseNotifier('darwin', node, electron).show(alert);
    expect(electron.shown).toEqual([alert.title]);
    const onlyNode = recorder('node-notifier');
    await chooseNotifier('linux', onlyNode, null).show(alert);
    expect(onlyNode.shown).toEqual([alert.title]);
  });
});
