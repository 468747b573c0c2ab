import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Actions, Dashboard, DashState } from './store';

const DashboardContext = createContext<Dashboard | null>(null);

export function DashboardProvider({ value, children }: { value: Dashboard; children: ReactNode }) {
  return <DashboardContext.Provider value={value}>{children}</DashboardContext.Provider>;
}

function useDashboard(): Dashboard {
  const d = useContext(DashboardContext);
  if (!d) throw new Error('useDash outside <DashboardProvider>');
  return d;
}

/** Reads from the store. Select single values or stable references: a selector that builds a new object re-renders forever. */
export function useDash<T>(selector: (s: DashState) => T): T {
  return useStore(useDashboard().store, selector);
}

export function useActions(): Actions {
  return useDashboard().actions;
}

/** The API itself, for a panel that reads and acts on its own (the Coding tools panel). */
export function useApi(): Dashboard['transport']['api'] {
  return useDashboard().transport.api;
}

export function useTransportKind(): 'ipc' | 'http' {
  return useDashboard().transport.kind;
}
