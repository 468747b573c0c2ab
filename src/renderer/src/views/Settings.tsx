import { useEffect, useState, type FormEvent } from 'react';
import type { CsvExport, PriceLookupResult } from '../../../main/contract/api';
import type { PriceOverride, Settings as SettingsDto } from '../../../main/contract/settings';
import { errorText, messageForField, toApiError } from '../api/errors';
import { DataTable, type Column } from '../components/DataTable';
import { Field } from '../components/Field';
import { Money } from '../components/Num';
import { ErrorNote, Loading, Note } from '../components/States';
import { dayKeyIn, monthStart } from '../../../shared/days';
import { downloadText } from '../lib/download';
import { rangeProblem } from '../lib/date-range';
import { useRequestsExport } from '../lib/request-export';
import { formatCount } from '../lib/format';
import { useActions, useDash, useTransportKind } from '../store/context';
import { zoneOf } from '../store/store';
import { CodingTools } from './CodingTools';

function Toggles({ s }: { s: SettingsDto }) {
  const actions = useActions();
  const [error, setError] = useState<string | null>(null);
  // The switch moves at once; if the core refuses, it moves back and says why.
  const [pending, setPending] = useState<Partial<Record<'hardStopEnforcement' | 'paused', boolean>>>({});
  const busy = Object.keys(pending).length > 0 ? 'saving' : null;
  const toggle = async (k: 'hardStopEnforcement' | 'paused', value: boolean) => {
    setPending((p) => ({ ...p, [k]: value }));
    setError(null);
    try {
      await actions.updateSettings({ [k]: value });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setPending((p) => {
        const { [k]: _done, ...rest } = p;
        return rest;
      });
    }
  };
  return (
    <section className="card" aria-labelledby="enforce-title">
      <h2 id="enforce-title">Enforcement</h2>
      <div className="switches">
        <label className="check">
          <input type="checkbox" role="switch" checked={pending.hardStopEnforcement ?? s.hardStopEnforcement} disabled={busy !== null} onChange={(e) => void toggle('hardStopEnforcement', e.target.checked)} />
          <span>
            <strong>Hard stop enforcement</strong>
            <span className="hint"> Off: budgets still warn, but never block or downgrade a request.</span>
          </span>
        </label>
        <label className="check">
          <input type="checkbox" role="switch" checked={pending.paused ?? s.paused} disabled={busy !== null} onChange={(e) => void toggle('paused', e.target.checked)} />
          <span>
            <strong>Pause all AI traffic</strong>
            <span className="hint"> Every request through Tollgate is refused until you turn this off.</span>
          </span>
        </label>
      </div>
      {error && <ErrorNote>{error}</ErrorNote>}
    </section>
  );
}

type GeneralField = 'timezone' | 'unpricedPolicy' | 'recentLimit' | 'alertWebhookUrl';

function General({ s }: { s: SettingsDto }) {
  const actions = useActions();
  const fromSettings = () => ({ timezone: s.timezone, unpricedPolicy: s.unpricedPolicy, recentLimit: String(s.recentLimit), alertWebhookUrl: s.alertWebhookUrl ?? '' });
  const [v, setV] = useState(fromSettings);
  const [errors, setErrors] = useState<Partial<Record<GeneralField | 'form', string>>>({});
  const [saved, setSaved] = useState(false);
  const key = `${s.timezone}|${s.unpricedPolicy}|${s.recentLimit}|${s.alertWebhookUrl}`;
  // The core changed them (another window, the tray): show its values.
  useEffect(() => setV(fromSettings()), [key]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const limit = Number(v.recentLimit);
    if (!Number.isInteger(limit)) return setErrors({ recentLimit: 'must be a whole number' });
    try {
      await actions.updateSettings({ timezone: v.timezone.trim(), unpricedPolicy: v.unpricedPolicy, recentLimit: limit, alertWebhookUrl: v.alertWebhookUrl.trim() || null });
      setErrors({});
      setSaved(true);
    } catch (err) {
      const a = toApiError(err);
      const f = a.field as GeneralField | undefined;
      setErrors(f && f in v ? { [f]: messageForField(a) } : { form: a.message });
    }
  }
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="general-title">
      <h2 id="general-title">General</h2>
      {errors.form && <ErrorNote>{errors.form}</ErrorNote>}
      <div className="grid">
        <Field label="Time zone" error={errors.timezone} hint='Days, weeks and months end in it: "local", "UTC" or a name like "Europe/Berlin"'>
          <input type="text" value={v.timezone} onChange={(e) => setV({ ...v, timezone: e.target.value })} />
        </Field>
        <Field label="Models without a price" error={errors.unpricedPolicy}>
          <select value={v.unpricedPolicy} onChange={(e) => setV({ ...v, unpricedPolicy: e.target.value as 'allow' | 'block' })}>
            <option value="allow">Allow, count tokens only</option>
            <option value="block">Block until priced</option>
          </select>
        </Field>
        <Field label="Recent requests kept" error={errors.recentLimit} hint="In full, for Activity and the request export">
          <input type="text" inputMode="numeric" value={v.recentLimit} onChange={(e) => setV({ ...v, recentLimit: e.target.value })} />
        </Field>
        <Field label="Alert webhook" error={errors.alertWebhookUrl} hint="Optional: budget alerts are POSTed here as JSON (Slack-compatible)" wide>
          <input type="url" className="mono" value={v.alertWebhookUrl} placeholder="https://hooks.slack.com/services/…" onChange={(e) => setV({ ...v, alertWebhookUrl: e.target.value })} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        <span className="saved" aria-live="polite">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

type DefaultsField = 'defaultThresholds' | 'defaultHardStopPercent' | 'degradeMap' | 'assumedMaxOutputTokens' | 'clampFloorOutputTokens';
const DEFAULTS_FIELDS: readonly string[] = ['defaultThresholds', 'defaultHardStopPercent', 'degradeMap', 'assumedMaxOutputTokens', 'clampFloorOutputTokens'];
/** The engine's own bounds for token settings. */
const MAX_TOKENS_SETTING = 10_000_000;

const degradeText = (m: SettingsDto['degradeMap']) =>
  Object.entries(m)
    .flatMap(([provider, map]) => Object.entries(map).map(([from, to]) => `${provider}: ${from} -> ${to}`))
    .join('\n');

/** "openai: gpt-4o -> gpt-4o-mini", one per line. */
export function parseDegradeLines(text: string): SettingsDto['degradeMap'] | string {
  const out: SettingsDto['degradeMap'] = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([a-z0-9-]+)\s*:\s*(\S+)\s*(?:->|→|=>)\s*(\S+)$/.exec(line);
    if (!m) return `line ${i + 1}: write "provider: model -> cheaper-model"`;
    (out[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  return out;
}

/** What new budgets start with, and where "degrade" sends a model. */
function Defaults({ s }: { s: SettingsDto }) {
  const actions = useActions();
  const initial = () => ({
    thresholds: s.defaultThresholds.join(', '),
    hardStop: s.defaultHardStopPercent === null ? '' : String(s.defaultHardStopPercent),
    degrade: degradeText(s.degradeMap),
    maxOut: String(s.assumedMaxOutputTokens),
    floor: String(s.clampFloorOutputTokens),
  });
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<DefaultsField | 'form', string>>>({});
  const [saved, setSaved] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const errs: typeof errors = {};
    const thresholds = v.thresholds.split(/[\s,;]+/).filter(Boolean).map((x) => Number(x.replace(/%$/, '')));
    if (thresholds.length === 0 || thresholds.some((n) => !(n > 0))) errs.defaultThresholds = 'Percentages such as "50, 80, 100".';
    const hardStop = v.hardStop.trim() === '' ? null : Number(v.hardStop);
    if (hardStop !== null && !(hardStop >= 100)) errs.defaultHardStopPercent = '100 or more; empty for warn-only budgets.';
    const degradeMap = parseDegradeLines(v.degrade);
    if (typeof degradeMap === 'string') errs.degradeMap = degradeMap;
    const maxOut = Number(v.maxOut);
    if (!Number.isInteger(maxOut) || maxOut < 1) errs.assumedMaxOutputTokens = 'A whole number of tokens.';
    const floor = v.floor.trim() === '' ? NaN : Number(v.floor.replace(/,/g, ''));
    if (!Number.isInteger(floor) || floor < 1 || floor > MAX_TOKENS_SETTING) errs.clampFloorOutputTokens = 'A whole number of tokens from 1 to 10,000,000, e.g. 1024.';
    setErrors(errs);
    if (Object.keys(errs).length || typeof degradeMap === 'string') return;
    try {
      await actions.updateSettings({ defaultThresholds: thresholds, defaultHardStopPercent: hardStop, degradeMap, assumedMaxOutputTokens: maxOut, clampFloorOutputTokens: floor });
      setSaved(true);
    } catch (err) {
      const a = toApiError(err);
      const f = (a.field ?? '').replace(/[.[].*$/, '') as DefaultsField;
      setErrors(DEFAULTS_FIELDS.includes(f) ? { [f]: messageForField(a) } : { form: a.message });
    }
  }
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="defaults-title">
      <h2 id="defaults-title">Budget defaults</h2>
      {errors.form && <ErrorNote>{errors.form}</ErrorNote>}
      <div className="grid">
        <Field label="Default tiers, %" error={errors.defaultThresholds} hint="Notifications for new budgets">
          <input type="text" value={v.thresholds} onChange={(e) => setV({ ...v, thresholds: e.target.value })} />
        </Field>
        <Field label="Default hard stop, %" error={errors.defaultHardStopPercent} hint="Empty: new budgets only warn">
          <input type="text" inputMode="decimal" value={v.hardStop} onChange={(e) => setV({ ...v, hardStop: e.target.value })} />
        </Field>
        <Field label="Output assumed when unset, tokens" error={errors.assumedMaxOutputTokens} hint="For worst-case reservations of calls without max tokens">
          <input type="text" inputMode="numeric" value={v.maxOut} onChange={(e) => setV({ ...v, maxOut: e.target.value })} />
        </Field>
        <Field
          label="Least output before a block, tokens"
          error={errors.clampFloorOutputTokens}
          hint="Near a hard stop a call's output limit is lowered to what is left; it is blocked only when not even its input and this many output tokens fit"
        >
          <input type="text" inputMode="numeric" value={v.floor} onChange={(e) => setV({ ...v, floor: e.target.value })} />
        </Field>
        <Field label="Cheaper models for “degrade”" error={errors.degradeMap} hint='One per line: "openai: gpt-4o -> gpt-4o-mini"; a model may end in "*"' wide>
          <textarea rows={6} className="mono" value={v.degrade} onChange={(e) => setV({ ...v, degrade: e.target.value })} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Save defaults
        </button>
        <span className="saved" aria-live="polite">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

type PriceField = 'provider' | 'model' | 'inputPerMTok' | 'outputPerMTok' | 'cacheReadPerMTok' | 'note';

function PriceOverrides({ s }: { s: SettingsDto }) {
  const actions = useActions();
  const providers = useDash((st) => st.providers.data) ?? [];
  const blank = { provider: '*', model: '', inputPerMTok: '', outputPerMTok: '', cacheReadPerMTok: '', note: '' };
  const [v, setV] = useState(blank);
  const [errors, setErrors] = useState<Partial<Record<PriceField | 'form', string>>>({});
  const [lookup, setLookup] = useState<PriceLookupResult | string | null>(null);
  const list = s.priceOverrides;

  async function save(next: PriceOverride[], newIndex: number | null) {
    try {
      await actions.updateSettings({ priceOverrides: next });
      setErrors({});
      if (newIndex !== null) setV(blank);
    } catch (err) {
      const a = toApiError(err);
      // "priceOverrides[3].model": the field of the row being added, when it is that row.
      const m = /^priceOverrides\[(\d+)\]\.(\w+)$/.exec(a.field ?? '');
      if (m && Number(m[1]) === newIndex && m[2]! in blank) setErrors({ [m[2] as PriceField]: messageForField(a) });
      else setErrors({ form: a.message });
    }
  }

  function add(e: FormEvent) {
    e.preventDefault();
    const num = (t: string) => (t.trim() === '' ? undefined : Number(t));
    const errs: typeof errors = {};
    if (!v.model.trim()) errs.model = 'An exact model id, or a prefix ending in "*".';
    for (const k of ['inputPerMTok', 'outputPerMTok'] as const) if (v[k].trim() === '' || !(Number(v[k]) >= 0)) errs[k] = 'Dollars per million tokens, e.g. 2.50';
    if (v.cacheReadPerMTok.trim() && !(Number(v.cacheReadPerMTok) >= 0)) errs.cacheReadPerMTok = 'Dollars per million tokens';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const o: PriceOverride = { provider: v.provider, model: v.model.trim(), inputPerMTok: Number(v.inputPerMTok), outputPerMTok: Number(v.outputPerMTok) };
    const cr = num(v.cacheReadPerMTok);
    if (cr !== undefined) o.cacheReadPerMTok = cr;
    if (v.note.trim()) o.note = v.note.trim();
    void save([...list, o], list.length);
  }

  async function lookUp() {
    if (!v.model.trim() || v.provider === '*') return setLookup('Pick a provider and a model to look up.');
    try {
      setLookup(await actions.lookupPrice({ provider: v.provider, model: v.model.trim() }));
    } catch (e) {
      setLookup(errorText(e));
    }
  }

  const columns: Column<PriceOverride & { i: number }>[] = [
    { id: 'provider', label: 'Provider', width: '8rem', render: (o) => (o.provider === '*' ? 'any' : o.provider) },
    { id: 'model', label: 'Model', width: 'auto', render: (o) => <span className="mono">{o.model}</span> },
    { id: 'in', label: 'Input / MTok', width: '8.5rem', numeric: true, render: (o) => <Money value={o.inputPerMTok} precise /> },
    { id: 'out', label: 'Output / MTok', width: '8.5rem', numeric: true, render: (o) => <Money value={o.outputPerMTok} precise /> },
    { id: 'note', label: 'Note', width: '10rem', render: (o) => o.note ?? '' },
    {
      id: 'remove',
      label: '',
      width: '6rem',
      render: (o) => (
        <button type="button" className="danger" onClick={() => void save(list.filter((_, j) => j !== o.i), null)}>
          Remove
        </button>
      ),
    },
  ];

  return (
    <section className="card" aria-labelledby="prices-title">
      <h2 id="prices-title">Price overrides</h2>
      <p className="hint">For models the price database lacks or gets wrong; they win over it. Dollars per million tokens.</p>
      {errors.form && <ErrorNote>{errors.form}</ErrorNote>}
      <DataTable caption="Price overrides" rows={list.map((o, i) => ({ ...o, i }))} columns={columns} rowKey={(o) => String(o.i)} empty="None: every price comes from the database." />
      <form className="form" onSubmit={add} noValidate aria-label="Add a price override">
        <div className="grid">
          <Field label="Provider" error={errors.provider}>
            <select value={v.provider} onChange={(e) => setV({ ...v, provider: e.target.value })}>
              <option value="*">Any</option>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Model" error={errors.model}>
            <input type="text" className="mono" value={v.model} onChange={(e) => setV({ ...v, model: e.target.value })} />
          </Field>
          <Field label="Input, $/MTok" error={errors.inputPerMTok}>
            <input type="text" inputMode="decimal" value={v.inputPerMTok} onChange={(e) => setV({ ...v, inputPerMTok: e.target.value })} />
          </Field>
          <Field label="Output, $/MTok" error={errors.outputPerMTok}>
            <input type="text" inputMode="decimal" value={v.outputPerMTok} onChange={(e) => setV({ ...v, outputPerMTok: e.target.value })} />
          </Field>
          <Field label="Cache read, $/MTok" error={errors.cacheReadPerMTok} hint="Optional">
            <input type="text" inputMode="decimal" value={v.cacheReadPerMTok} onChange={(e) => setV({ ...v, cacheReadPerMTok: e.target.value })} />
          </Field>
          <Field label="Note" error={errors.note}>
            <input type="text" value={v.note} onChange={(e) => setV({ ...v, note: e.target.value })} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Add override
          </button>
          <button type="button" onClick={() => void lookUp()}>
            Look up the database price
          </button>
          <span className="hint" aria-live="polite">
            {typeof lookup === 'string'
              ? lookup
              : lookup && (lookup.priced ? `${lookup.pricedModel}: $${lookup.inputPerMTok} in, $${lookup.outputPerMTok} out per MTok (${lookup.source})` : 'The database has no price for this model.')}
          </span>
        </div>
      </form>
    </section>
  );
}

function Export() {
  const actions = useActions();
  const tz = useDash(zoneOf);
  const now = useDash((s) => s.now);
  const today = dayKeyIn(now, tz);
  const [range, setRange] = useState({ from: monthStart(today), to: today });
  const [result, setResult] = useState<CsvExport | null>(null);
  const [errors, setErrors] = useState<Partial<Record<'from' | 'to' | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const [requestsDone, setRequestsDone] = useState<string | null>(null);
  const kind = useTransportKind();
  const exportRequests = useRequestsExport();

  async function run(which: 'rollups' | 'requests') {
    setBusy(true);
    setResult(null);
    setRequestsDone(null);
    try {
      if (which === 'requests') {
        // Streamed from the history database (the whole range, any size), not built in memory.
        const bad = rangeProblem(range);
        if (bad) return setErrors({ [bad.field]: bad.message });
        setRequestsDone(await exportRequests(range));
        setErrors({});
        return;
      }
      const r = await actions.exportCsv(which, range);
      downloadText(r.filename, r.csv);
      setResult(r);
      setErrors({});
    } catch (err) {
      const a = toApiError(err);
      setErrors(a.field === 'from' || a.field === 'to' ? { [a.field]: messageForField(a) } : { form: a.message });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p className="hint">
        Rollups: every day's totals per provider, key, model and project, kept for good. Requests: one row per call, every request of the range the
        history keeps (Settings → history retention), streamed from it.
      </p>
      <div className="grid">
        <Field label="From" error={errors.from}>
          <input type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </Field>
        <Field label="To" error={errors.to}>
          <input type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
        </Field>
      </div>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void run('rollups')}>
          Export rollups (CSV)
        </button>
        <button type="button" disabled={busy} onClick={() => void run('requests')}>
          Export requests (CSV)
        </button>
      </div>
      {errors.form && <ErrorNote>{errors.form}</ErrorNote>}
      <div aria-live="polite" className="export-result">
        {result && (
          <p>
            Saved <code>{result.filename}</code>: {formatCount(result.rows)} rows{kind === 'http' ? ' (in your downloads folder)' : ''}.
          </p>
        )}
        {result?.note && <Note tone="warn">{result.note}</Note>}
        {requestsDone && <p>{requestsDone}</p>}
      </div>
    </section>
  );
}

export function Settings() {
  const settings = useDash((s) => s.settings);
  const actions = useActions();
  if (settings.data === null) {
    return (
      <div className="view">
        <h1>Settings</h1>
        {settings.error ? <ErrorNote onRetry={() => void actions.refreshSettings()}>{settings.error}</ErrorNote> : <Loading lines={6} />}
      </div>
    );
  }
  return (
    <div className="view">
      <div className="view-head">
        <h1>Settings</h1>
      </div>
      <Toggles s={settings.data} />
      <General s={settings.data} />
      <Defaults s={settings.data} />
      <PriceOverrides s={settings.data} />
      <Export />
      <CodingTools />
    </div>
  );
}
