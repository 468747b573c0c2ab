import { useSyncExternalStore } from 'react';

/** Hash routes ("#/keys"): they work from file:// in the app window and from / in a browser alike. */
export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'budgets', label: 'Budgets' },
  { id: 'keys', label: 'Keys' },
  { id: 'providers', label: 'Providers' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
  { id: 'teams', label: 'Teams' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export interface Route {
  view: ViewId;
  /** e.g. a budget id: "#/budgets/b_123" opens that budget (notifications link there). */
  param: string | null;
}

export function parseHash(hash: string): Route {
  const [, view = '', param = null] = hash.replace(/^#/, '').split('/');
  const known = VIEWS.find((v) => v.id === view);
  return { view: known ? known.id : 'overview', param: param ? decodeURIComponent(param) : null };
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

export function href(view: ViewId, param?: string): string {
  return `#/${view}${param ? `/${encodeURIComponent(param)}` : ''}`;
}
