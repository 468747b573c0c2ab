import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { DashboardProvider } from '../../../src/renderer/src/store/context';
import { createDashboard, type Dashboard } from '../../../src/renderer/src/store/store';
import type { FakeTransport } from './fake-transport';

// jsdom has no layout: recharts' ResponsiveContainer needs a ResizeObserver to exist, nothing more.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoopResizeObserver;

/** Renders a view over a store fed by a fake transport, started and settled. */
export async function renderWithStore(ui: ReactNode, t: FakeTransport, now?: number): Promise<{ dashboard: Dashboard; unmount: () => void }> {
  const dashboard = createDashboard(t, { flushMs: 10, toastMs: 0, now: now === undefined ? undefined : () => now });
  let unmount = () => {};
  await act(async () => {
    dashboard.actions.start();
    unmount = render(<DashboardProvider value={dashboard}>{ui}</DashboardProvider>).unmount;
  });
  await act(async () => {
    await new Promise((r) => setTimeout(r, 20));
  });
  return {
    dashboard,
    unmount: () => {
      unmount();
      dashboard.actions.stop();
    },
  };
}

export async function settle(ms = 30) {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}
