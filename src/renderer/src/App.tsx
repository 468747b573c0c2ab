import { useEffect, type ReactNode } from 'react';
import { Toasts } from './components/Toasts';
import { errorText } from './api/errors';
import { href, useRoute, VIEWS, type ViewId } from './lib/route';
import { useActions, useDash, useTransportKind } from './store/context';
import { Activity } from './views/Activity';
import { Budgets } from './views/Budgets';
import { Keys } from './views/Keys';
import { Overview } from './views/Overview';
import { Providers } from './views/Providers';
import { Settings } from './views/Settings';
import { Teams } from './views/Teams';

const VIEW_COMPONENTS: Record<ViewId, () => ReactNode> = {
  overview: Overview,
  budgets: Budgets,
  keys: Keys,
  providers: Providers,
  activity: Activity,
  settings: Settings,
  teams: Teams,
};

const CONNECTION_WORDS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: 'Updating every few seconds',
  'signed-out': 'Signed out',
} as const;

/** Number keys switch views, unless someone is typing. */
function useViewShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      const n = Number(e.key);
      const view = Number.isInteger(n) ? VIEWS[n - 1] : undefined;
      if (!view) return;
      e.preventDefault();
      window.location.hash = href(view.id);
      document.getElementById('main')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function PausedBanner() {
  const paused = useDash((s) => s.settings.data?.paused ?? false);
  const actions = useActions();
  if (!paused) return null;
  return (
    <div className="banner banner-bad" role="status">
      <strong>All AI traffic is paused.</strong> Every request through Tollgate is refused.
      <button
        type="button"
        onClick={() => actions.updateSettings({ paused: false }).catch((e) => actions.toast({ kind: 'error', title: 'Could not resume', body: errorText(e) }))}
      >
        Resume
      </button>
    </div>
  );
}

function SignedOut() {
  return (
    <main className="signed-out" id="main">
      <h1>Signed out</h1>
      <p>Your session ended: Tollgate restarted, or you signed out in another tab.</p>
      <p>
        <a className="button primary" href="/login">
          Sign in again
        </a>
      </p>
      <p className="hint">Use the one-time link that `npm run serve` prints, or the admin token from the data folder.</p>
    </main>
  );
}

export function App() {
  const route = useRoute();
  const connection = useDash((s) => s.connection);
  const url = useDash((s) => s.status.data?.url);
  const hardStop = useDash((s) => s.settings.data?.hardStopEnforcement);
  const problems = useDash((s) => s.status.data?.problems);
  const team = useDash((s) => s.status.data?.team);
  const kind = useTransportKind();
  useViewShortcuts();

  const label = VIEWS.find((v) => v.id === route.view)?.label ?? 'Overview';
  useEffect(() => {
    document.title = `${label} · Tollgate`;
  }, [label]);

  if (connection === 'signed-out') return <SignedOut />;
  const View = VIEW_COMPONENTS[route.view];
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">Tollgate</div>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v, i) => (
              <li key={v.id}>
                <a href={href(v.id)} aria-current={route.view === v.id ? 'page' : undefined} aria-keyshortcuts={String(i + 1)} title={`${v.label} (${i + 1})`}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="top-status">
          <span className={`live-dot live-${connection}`} title={url ? `Proxy at ${url}` : undefined}>
            {CONNECTION_WORDS[connection]}
          </span>
          {hardStop === false && <span className="badge badge-warn">hard stop off</span>}
          {team?.link === 'down' && (
            <span className="badge badge-bad" role="status" title={`Shared budgets use their fail modes until ${team.redis} answers again`}>
              team link down
            </span>
          )}
          {kind === 'http' && (
            <form method="post" action="/logout">
              <button type="submit" className="link">
                Sign out
              </button>
            </form>
          )}
        </div>
      </header>
      <PausedBanner />
      {problems && problems.length > 0 && (
        <div className="banner banner-warn" role="status">
          {problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      )}
      <main id="main" tabIndex={-1}>
        <View />
      </main>
      <Toasts />
    </div>
  );
}
