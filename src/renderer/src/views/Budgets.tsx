import { useEffect, useMemo, useState } from 'react';
import type { TeamStatusDto } from '../../../main/contract/api';
import type { BudgetStatus } from '../../../main/contract/budgets';
import { errorText } from '../api/errors';
import { ConfirmButton } from '../components/ConfirmButton';
import { Meter } from '../components/Meter';
import { Money } from '../components/Num';
import { Empty, ErrorNote, Loading, Note } from '../components/States';
import { budgetToForm, emptyBudgetForm, suggestionToForm, type BudgetFormValues } from '../lib/budget-form';
import { FAIL_MODE_WORDS, failModeOf, type FailModeChoice } from '../lib/fail-mode';
import { formatDateTime, formatPercent, formatRelative } from '../lib/format';
import { href, useRoute } from '../lib/route';
import { useActions, useDash } from '../store/context';
import { zoneOf } from '../store/store';
import { BudgetForm } from './BudgetForm';
import { OverrideForm } from './OverrideForm';
import { Suggestions } from './Suggestions';

type Editing = { mode: 'new'; values: BudgetFormValues } | { mode: 'edit'; id: string; values: BudgetFormValues } | null;

/** A run-scoped budget's runs, most active first, each with its own state: the same rows the Overview shows. */
function RunList({ runs, now, tz }: { runs: BudgetStatus[]; now: number; tz: string }) {
  return (
    <section className="budget-runs" aria-label={`Runs (${runs.length})`}>
      <h3 className="hint">
        {runs.length} recent run{runs.length === 1 ? '' : 's'}, each with its own limit
      </h3>
      {runs.map((r) => (
        <Meter key={r.run ?? ''} s={r} now={now} tz={tz} link={false} />
      ))}
    </section>
  );
}

/** Team mode: what the budget does while the link to the team's Redis is down. */
function FailModeLine({ team, s }: { team: TeamStatusDto; s: BudgetStatus }) {
  const { mode, isDefault } = failModeOf(team, s.budget.id, s.budget.hardStopPercent !== null);
  return (
    <p className="hint fail-mode">
      While the team link is down: {FAIL_MODE_WORDS[mode]}
      {isDefault ? ', the team default' : ''}.
    </p>
  );
}

function BudgetCard({ s, runs, now, tz, team, focused, onEdit }: { s: BudgetStatus; runs: BudgetStatus[]; now: number; tz: string; team: TeamStatusDto | null; focused: boolean; onEdit: () => void }) {
  const actions = useActions();
  const [raising, setRaising] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <article className={`card budget${focused ? ' focused' : ''}`} id={`budget-${s.budget.id}`} tabIndex={focused ? -1 : undefined} aria-label={s.budget.name}>
      {runs.length > 0 ? <RunList runs={runs} now={now} tz={tz} /> : <Meter s={s} now={now} tz={tz} link={false} />}
      {team && <FailModeLine team={team} s={s} />}
      {error && <ErrorNote>{error}</ErrorNote>}
      {s.overrides.length > 0 && (
        <ul className="overrides">
          {s.overrides.map((o) => (
            <li key={o.id}>
              <span>
                +{o.addUsd !== null ? <Money value={o.addUsd} /> : formatPercent(o.addPercent)} until {formatDateTime(o.expiresAt, tz)} ({formatRelative(o.expiresAt, now)}): {o.reason}
              </span>
              <button type="button" className="link" onClick={() => actions.cancelOverride(o.id).catch((e) => setError(errorText(e)))}>
                End now
              </button>
            </li>
          ))}
        </ul>
      )}
      {s.budget.source === 'file' && <p className="hint">Declared in budgets.json in the data folder: edit it there.</p>}
      {raising ? (
        <OverrideForm s={s} onDone={() => setRaising(false)} />
      ) : (
        <div className="actions">
          <button type="button" onClick={onEdit} disabled={s.budget.source === 'file'}>
            Edit
          </button>
          <button type="button" onClick={() => setRaising(true)}>
            Raise temporarily
          </button>
          <ConfirmButton label="Delete" confirmLabel="Really delete?" disabled={s.budget.source === 'file'} onConfirm={() => actions.deleteBudget(s.budget.id).catch((e) => setError(errorText(e)))} />
        </div>
      )}
    </article>
  );
}

export function Budgets() {
  const budgets = useDash((s) => s.budgets);
  const suggestions = useDash((s) => s.suggestions);
  const keys = useDash((s) => s.keys.data);
  const providers = useDash((s) => s.providers.data);
  const defaultThresholds = useDash((s) => s.settings.data?.defaultThresholds);
  const defaultHardStop = useDash((s) => s.settings.data?.defaultHardStopPercent);
  const now = useDash((s) => s.now);
  const tz = useDash(zoneOf);
  const team = useDash((s) => s.status.data?.team ?? null);
  const actions = useActions();
  const route = useRoute();
  const [editing, setEditing] = useState<Editing>(null);
  const blank = () => emptyBudgetForm(defaultThresholds && defaultHardStop !== undefined ? { thresholds: defaultThresholds, hardStopPercent: defaultHardStop } : undefined);

  useEffect(() => {
    void actions.refreshSuggestions();
  }, [actions]);

  // "#/budgets/new" opens the form; "#/budgets/<id>" (from a notification) scrolls to that budget.
  const loaded = budgets.data !== null;
  useEffect(() => {
    if (route.param === 'new') setEditing({ mode: 'new', values: blank() });
    else if (route.param) {
      const el = document.getElementById(`budget-${route.param}`);
      el?.scrollIntoView?.({ block: 'center' });
      el?.focus();
    }
  }, [route.param, loaded]);

  const byBudget = useMemo(() => {
    // Run-scoped budgets have a status per run (most recent first): one card per budget, listing every run, so
    // the card counts the runs the Overview shows.
    const m = new Map<string, { s: BudgetStatus; runs: BudgetStatus[] }>();
    for (const s of budgets.data ?? []) {
      let e = m.get(s.budget.id);
      if (!e) m.set(s.budget.id, (e = { s, runs: [] }));
      else if (s.percent > e.s.percent) e.s = s;
      if (s.run !== null) e.runs.push(s);
    }
    return [...m.values()];
  }, [budgets.data]);

  const close = () => {
    setEditing(null);
    if (route.param === 'new') window.location.hash = href('budgets');
  };

  const unavailable = budgets.error !== null && budgets.data === null;
  return (
    <div className="view">
      <div className="view-head">
        <h1>Budgets</h1>
        <button type="button" className="primary" disabled={unavailable} onClick={() => setEditing({ mode: 'new', values: blank() })}>
          New budget
        </button>
      </div>
      {unavailable && <Note tone="warn">Budgets are not available: {budgets.error}</Note>}

      {editing && (
        <BudgetForm
          key={editing.mode === 'edit' ? editing.id : 'new'}
          initial={editing.values}
          editing={editing.mode === 'edit'}
          keys={keys ?? []}
          providers={providers ?? []}
          team={team ? { status: team, failMode: (editing.mode === 'edit' ? team.failModes[editing.id] : undefined) ?? 'default' } : null}
          onCancel={close}
          onSave={async (input, failMode?: FailModeChoice) => {
            const saved = await actions.saveBudget(input, editing.mode === 'edit' ? editing.id : undefined);
            // Only a change is sent: every fail mode set is shared with the whole team.
            const was = (editing.mode === 'edit' ? team?.failModes[editing.id] : undefined) ?? 'default';
            // The budget is saved by now: a failure here is told, not left in the form (a second "Create" would
            // make the budget twice).
            if (team && failMode !== undefined && failMode !== was) {
              await actions.setFailMode(saved.id, failMode).catch((e: unknown) => actions.toast({ kind: 'error', title: `Saved “${input.name}”, but not its fail mode.`, body: errorText(e) }));
            }
            actions.toast({ kind: 'info', title: editing.mode === 'edit' ? `Saved “${input.name}”.` : `Created “${input.name}”.` });
            close();
          }}
        />
      )}

      {!unavailable && (
        <Suggestions suggestions={suggestions} onUse={(sg) => setEditing({ mode: 'new', values: suggestionToForm(sg) })} />
      )}

      {budgets.data === null && budgets.error === null && <Loading lines={4} />}
      {budgets.data !== null && byBudget.length === 0 && (
        <Empty title="No budgets yet.">
          <p>Start with one for all traffic, say $50 a month; add per-key or per-model ones as you learn where the money goes.</p>
        </Empty>
      )}
      <div className="budget-list">
        {byBudget.map(({ s, runs }) => (
          <BudgetCard
            key={s.budget.id}
            s={s}
            runs={runs}
            now={now}
            tz={tz}
            team={team}
            focused={route.param === s.budget.id}
            onEdit={() => {
              setEditing({ mode: 'edit', id: s.budget.id, values: budgetToForm(s.budget) });
              window.scrollTo?.({ top: 0 });
            }}
          />
        ))}
      </div>
    </div>
  );
}
