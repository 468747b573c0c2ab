import { useState } from 'react';
import type { TeamsConfig } from '../../../main/contract/hierarchy';
import { toApiError } from '../api/errors';
import { Field } from '../components/Field';
import { ErrorNote } from '../components/States';
import { fromRows, toRows, type TeamRow } from '../lib/teams-form';
import { useActions } from '../store/context';

const EMPTY_ROW: TeamRow = { id: '', name: '', projects: '', keys: '', users: '' };

/** The error for one field of the teams: the core names it ("teams[1].projects[0]"), the form finds its row. */
function errorAt(err: { field?: string; message: string } | null, row: number, col: keyof TeamRow): string | null {
  if (!err?.field) return null;
  const m = /^teams\[(\d+)\]\.(\w+)/.exec(err.field);
  return m && Number(m[1]) === row && m[2] === col ? err.message.replace(/^[^:]+: /, '') : null;
}

/** Who belongs to which team: projects, Tollgate keys (by id) and users, each in at most one team. */
export function TeamsEditor({ teams, onSaved }: { teams: TeamsConfig; onSaved: (t: TeamsConfig, warnings: string[]) => void }) {
  const actions = useActions();
  const [org, setOrg] = useState(teams.organization);
  const [rows, setRows] = useState<TeamRow[]>(() => toRows(teams));
  const [err, setErr] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = (i: number, patch: Partial<TeamRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await actions.saveTeams(fromRows(org, rows));
      setErr(null);
      onSaved(r.teams, r.warnings);
    } catch (x) {
      const a = toApiError(x);
      setErr({ field: a.field, message: a.message });
    } finally {
      setBusy(false);
    }
  }

  const rowError = err && !(err.field?.startsWith('teams[') || err.field === 'organization') ? err : null;
  return (
    <section className="card" aria-labelledby="teams-edit">
      <h2 id="teams-edit">Teams</h2>
      <p className="hint">
        A call belongs to the team that lists its Tollgate key, else its user (<code>x-tollgate-user</code>), else its project (<code>x-tollgate-project</code>). Budgets
        scoped to a team count exactly those calls.
      </p>
      <form onSubmit={(e) => void save(e)}>
        <div className="grid">
          <Field label="Organization" error={err?.field === 'organization' ? err.message : null}>
            <input value={org} onChange={(e) => setOrg(e.target.value)} />
          </Field>
        </div>
        {rows.map((r, i) => (
          <fieldset key={i} className="group team-row">
            <legend>{r.name || `Team ${i + 1}`}</legend>
            <div className="grid">
              <Field label="Id" error={errorAt(err, i, 'id')} hint="Budgets name it: scope.team">
                <input value={r.id} onChange={(e) => edit(i, { id: e.target.value })} />
              </Field>
              <Field label="Name" error={errorAt(err, i, 'name')}>
                <input value={r.name} onChange={(e) => edit(i, { name: e.target.value })} />
              </Field>
              <Field label="Projects" error={errorAt(err, i, 'projects')} hint="Comma-separated">
                <input value={r.projects} onChange={(e) => edit(i, { projects: e.target.value })} />
              </Field>
              <Field label="Users" error={errorAt(err, i, 'users')} hint="Comma-separated">
                <input value={r.users} onChange={(e) => edit(i, { users: e.target.value })} />
              </Field>
              <Field label="Key ids" error={errorAt(err, i, 'keys')} hint="Comma-separated, from Keys">
                <input value={r.keys} onChange={(e) => edit(i, { keys: e.target.value })} />
              </Field>
            </div>
            <button type="button" className="link" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Remove {r.name || `team ${i + 1}`}
            </button>
          </fieldset>
        ))}
        {rowError && <ErrorNote>{rowError.message}</ErrorNote>}
        <div className="actions">
          <button type="button" onClick={() => setRows([...rows, EMPTY_ROW])}>
            Add a team
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save teams
          </button>
        </div>
      </form>
    </section>
  );
}
