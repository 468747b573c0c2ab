import { useCallback, useEffect, useState } from 'react';
import type { RoutedToolId, RoutingToolStatus, SubscriptionWindowsDto } from '../../../main/contract/api';
import { errorText } from '../api/errors';
import { ErrorNote, Loading, Note } from '../components/States';
import { formatDateTime, formatSpan, formatTokens, formatUsd } from '../lib/format';
import { useApi } from '../store/context';

const STATE_WORDS: Record<RoutingToolStatus['state'], string> = {
  routed: 'routed through Tollgate',
  'not-routed': 'not routed',
  changed: 'changed by hand since Tollgate wrote it',
  malformed: 'settings file cannot be read',
};

function ToolRow({ t, busy, act }: { t: RoutingToolStatus; busy: boolean; act: (tool: RoutedToolId, undo: boolean) => void }) {
  return (
    <li className="routing-row">
      <div>
        <strong>{t.name}</strong> — <span className={t.state === 'routed' ? 'badge badge-state-ok' : t.state === 'not-routed' ? 'badge badge-muted' : 'badge badge-warn'}>{STATE_WORDS[t.state]}</span>
        <div className="hint">
          <code>{t.file}</code>
          {t.baseUrl ? (
            <>
              {' '}
              → <code>{t.baseUrl}</code>
            </>
          ) : null}
        </div>
        {t.message && <div className="hint">{t.message}</div>}
      </div>
      {t.state === 'not-routed' && (
        <button type="button" className="primary" disabled={busy || !t.wantedBaseUrl} onClick={() => act(t.tool, false)}>
          Route {t.name} through Tollgate
        </button>
      )}
      {t.state === 'routed' && t.managed && (
        <span>
          {t.baseUrl !== t.wantedBaseUrl && (
            <button type="button" disabled={busy} onClick={() => act(t.tool, false)}>
              Update port
            </button>
          )}{' '}
          <button type="button" disabled={busy} onClick={() => act(t.tool, true)}>
            Undo
          </button>
        </span>
      )}
    </li>
  );
}

function Windows({ w, onLimit }: { w: SubscriptionWindowsDto; onLimit: (usd: number | null) => Promise<void> }) {
  const [limit, setLimit] = useState(w.claude.limitUsd === null ? '' : String(w.claude.limitUsd));
  const [error, setError] = useState<string | null>(null);
  const c = w.claude.current;
  const save = async (value: string) => {
    const n = value.trim() === '' ? null : Number(value);
    if (n !== null && !(n > 0)) return setError('a positive amount in dollars, or empty for none');
    setError(null);
    await onLimit(n).catch((e) => setError(errorText(e)));
  };
  return (
    <div className="windows">
      <h3>Claude Code</h3>
      {c ? (
        <p>
          This five-hour window: <strong>{formatUsd(c.costUsd)}</strong>
          {c.percent !== null && ` (${Math.round(c.percent)}% of ${formatUsd(w.claude.limitUsd)})`}, {formatTokens(c.tokens)} tokens in {c.calls} calls; {formatSpan(c.timeLeftMs)} left
          (started {formatDateTime(c.start)}).
        </p>
      ) : (
        <p>No window running.</p>
      )}
      <p>
        Last 7 days: <strong>{formatUsd(w.claude.week.costUsd)}</strong>, {formatTokens(w.claude.week.tokens)} tokens in {w.claude.week.calls} calls.
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(limit);
        }}
      >
        <label>
          Window limit (USD at API prices; Anthropic does not publish it){' '}
          <input type="number" min="0" step="0.01" value={limit} onChange={(e) => setLimit(e.target.value)} aria-label="Claude Code window limit in dollars" />
        </label>{' '}
        <button type="submit">Save limit</button>
        {w.claude.suggestedLimitUsd !== null && w.claude.limitUsd === null && (
          <button
            type="button"
            onClick={() => {
              const v = w.claude.suggestedLimitUsd!.toFixed(2);
              setLimit(v);
              void save(v);
            }}
          >
            Use the largest window seen ({formatUsd(w.claude.suggestedLimitUsd)})
          </button>
        )}
      </form>
      {error && <ErrorNote>{error}</ErrorNote>}
      <h3>Codex</h3>
      {w.codex ? (
        <ul>
          {[w.codex.primary, w.codex.secondary].map((x, i) =>
            x ? (
              <li key={i}>
                {x.windowMinutes !== null && x.windowMinutes >= 10080 ? 'Weekly' : x.windowMinutes !== null ? `${Math.round(x.windowMinutes / 60)}-hour` : i === 0 ? 'Primary' : 'Secondary'} limit:{' '}
                <strong>{x.usedPercent}% used</strong>
                {x.resetsAt !== null && `, resets ${formatDateTime(x.resetsAt)}`}
              </li>
            ) : null,
          )}
        </ul>
      ) : (
        <p className="hint">No rate limits in Codex's session logs yet (API-key sessions have none).</p>
      )}
    </div>
  );
}

/** Settings' "Coding tools" card: route Claude Code and Codex through Tollgate, subscription windows, the 30-day import. */
export function CodingTools() {
  const api = useApi();
  const [tools, setTools] = useState<RoutingToolStatus[] | null>(null);
  const [windows, setWindows] = useState<SubscriptionWindowsDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [r, w] = await Promise.all([api['routing.status'](), api['subscriptions.get']()]);
      setTools(r.tools);
      setWindows(w);
    } catch (e) {
      setError(errorText(e));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (tool: RoutedToolId, undo: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api[undo ? 'routing.undo' : 'routing.apply']({ tool });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      await load();
    }
  };

  const importNow = async () => {
    setBusy(true);
    setImported(null);
    try {
      const r = await api['codingLogs.importNow']();
      setImported(r.enabled ? `Imported ${r.recorded} new call${r.recorded === 1 ? '' : 's'} from the last 30 days.` : 'Log import is off here (headless: start with --import-coding-logs).');
      await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="coding-tools-title">
      <h2 id="coding-tools-title">Coding tools</h2>
      {error && <ErrorNote>{error}</ErrorNote>}
      {tools === null ? (
        <Loading lines={2} />
      ) : (
        <ul className="routing-list">
          {tools.map((t) => (
            <ToolRow key={t.tool} t={t} busy={busy} act={(tool, undo) => void act(tool, undo)} />
          ))}
        </ul>
      )}
      <p>
        <button type="button" disabled={busy} onClick={() => void importNow()}>
          Import last 30 days
        </button>{' '}
        <span className="hint">Reads Claude Code's and Codex's local logs; calls already counted are not counted again.</span>
      </p>
      {imported && <Note>{imported}</Note>}
      {windows && <Windows w={windows} onLimit={async (usd) => setWindows(await api['subscriptions.setLimit']({ claudeWindowUsd: usd }))} />}
    </section>
  );
}
