import { useCallback, useEffect, useState } from 'react';
import type { HierarchyNode, HierarchyReport, TeamsConfig } from '../../../main/contract/hierarchy';
import { errorText } from '../api/errors';
import { Money } from '../components/Num';
import { ErrorNote, Loading, Note } from '../components/States';
import { formatCount, formatDay, formatPercent, formatUsd } from '../lib/format';
import { href } from '../lib/route';
import { useActions, useDash } from '../store/context';
import { AllocationForm } from './AllocationForm';
import { TeamsEditor } from './TeamsEditor';

const LEVEL_WORDS: Record<HierarchyNode['level'], string> = { org: 'organization', team: 'team', project: 'project', key: 'key', user: 'user' };

/** A node's utilization: its fullest budget's bar, or its spend alone when nothing budgets it. */
function Utilization({ n }: { n: HierarchyNode }) {
  if (n.percent === null) return <span className="muted">no budget</span>;
  const top = n.budgets.reduce((a, b) => (b.percent > a.percent ? b : a));
  return (
    <span className="tree-util">
      <span
        className={`meter meter-small state-${top.state}`}
        role="meter"
        aria-label={`${n.name}: ${formatPercent(n.percent)} of ${top.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(n.percent * 10) / 10}
      >
        <span className="meter-fill" style={{ width: `${Math.min(100, Math.max(0, n.percent))}%` }} />
      </span>
      <span className="num">{formatPercent(n.percent)}</span>
      <a href={href('budgets', top.id)} className="tree-budget">
        {top.name}
        {top.limitUsd !== null ? ` · ${formatUsd(top.spentUsd, { precise: true })} of ${formatUsd(top.limitUsd, { precise: true })}` : ''}
      </a>
      {n.budgets.length > 1 && <span className="muted"> +{n.budgets.length - 1} more</span>}
    </span>
  );
}

function Node({ n }: { n: HierarchyNode }) {
  const projects = n.children.filter((c) => c.level !== 'user');
  const users = n.children.filter((c) => c.level === 'user');
  return (
    <li className={`tree-node tree-${n.level}${n.id === null && n.level !== 'org' ? ' tree-none' : ''}`} data-node={`${n.level}:${n.id ?? ''}`}>
      <div className="tree-row">
        <span className="tree-name">
          <span className="cell-main">{n.name}</span> <span className="badge badge-muted">{LEVEL_WORDS[n.level]}</span>
        </span>
        <span className="tree-spend num">
          <Money value={n.spendUsd} precise /> · {formatCount(n.requests)} {n.requests === 1 ? 'request' : 'requests'}
        </span>
        <Utilization n={n} />
      </div>
      {n.warnings.map((w) => (
        <p key={w} className="tree-warning" role="note">
          ⚠ {w}
        </p>
      ))}
      {projects.length > 0 && <ul className="tree">{projects.map((c) => <Node key={`${c.level}:${c.id ?? ''}`} n={c} />)}</ul>}
      {users.length > 0 && (
        <details className="tree-users">
          <summary>
            {users.length} {users.length === 1 ? 'user' : 'users'} of {n.name}
          </summary>
          <ul className="tree">{users.map((c) => <Node key={`user:${c.id ?? ''}`} n={c} />)}</ul>
        </details>
      )}
    </li>
  );
}

/**
 * The budget hierarchy: organization → team → project → key (and each team's users), each level's spend this
 * month rolled up from the levels below and its budgets' utilization; the teams themselves; allocation helpers.
 */
export function Teams() {
  const actions = useActions();
  const budgetsVersion = useDash((s) => s.budgets.data);
  const minute = useDash((s) => Math.floor(s.now / 60_000));
  const [report, setReport] = useState<HierarchyReport | null>(null);
  const [teams, setTeams] = useState<TeamsConfig | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    Promise.all([actions.loadHierarchy(), actions.loadTeams()]).then(
      ([r, t]) => {
        setReport(r);
        setTeams(t);
        setError(null);
      },
      (e) => setError(errorText(e)),
    );
  }, [actions]);
  useEffect(reload, [reload, budgetsVersion, minute]);

  return (
    <div className="view teams">
      <div className="view-head">
        <h1>Teams</h1>
      </div>
      {error && <ErrorNote onRetry={reload}>The hierarchy could not be loaded: {error}</ErrorNote>}
      <section className="card" aria-labelledby="teams-tree">
        <h2 id="teams-tree">Hierarchy</h2>
        {report === null ? (
          !error && <Loading />
        ) : (
          <>
            <p className="hint">
              Spend from {formatDay(report.from)} to {formatDay(report.to)}; each level adds up the levels below it. Bars show each level's fullest budget.
            </p>
            {report.warnings.length > 0 && (
              <Note tone="warn">
                <strong>Check these budgets</strong> (a level budgeted past its parent is allowed, but the parent stops first):
                <ul className="hierarchy-warnings">
                  {report.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </Note>
            )}
            <ul className="tree tree-root">
              <Node n={report.root} />
            </ul>
          </>
        )}
      </section>
      {teams && (
        <TeamsEditor
          teams={teams}
          onSaved={(t, warnings) => {
            setTeams(t);
            reload();
            actions.toast({ kind: warnings.length ? 'alert' : 'info', title: 'Teams saved', body: warnings.length ? warnings.join(' ') : `${t.teams.length} ${t.teams.length === 1 ? 'team' : 'teams'}.` });
          }}
        />
      )}
      {teams && <AllocationForm teams={teams} onCreated={reload} />}
    </div>
  );
}
