import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReconciliationResult, ReconciliationRow, UsageConnectionDto } from '../../../src/main/contract/api';
import { unseenByKeyAndModel } from '../../../src/renderer/src/components/Unseen';
import { Overview } from '../../../src/renderer/src/views/Overview';
import { Providers } from '../../../src/renderer/src/views/Providers';
import { createFakeTransport } from '../support/fake-transport';
import { PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore, settle } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

function conn(over: Partial<UsageConnectionDto> = {}): UsageConnectionDto {
  return {
    id: 'conn_1',
    provider: 'openai',
    providerName: 'OpenAI',
    name: 'Acme',
    keyLabel: 'sk-admin-…0000',
    baseUrl: 'https://api.openai.com',
    baseUrlOverride: null,
    intervalMinutes: 5,
    enabled: true,
    state: 'ok',
    status: 'Up to date',
    lastAttemptAt: T0 - 60_000,
    asOf: T0 - 60_000,
    nextPollAt: T0 + 240_000,
    consecutiveFailures: 0,
    lastError: null,
    coveredFrom: T0 - 32 * 86_400_000,
    keysKnown: 2,
    keyListError: null,
    limits: null,
    createdAt: T0 - 86_400_000,
    updatedAt: T0 - 60_000,
    ...over,
  };
}

function rrow(over: Partial<ReconciliationRow>): ReconciliationRow {
  return {
    day: '2026-11-28',
    provider: 'openai',
    keyId: 'openai:key_teammate',
    keyName: 'Teammate laptop',
    model: 'gpt-4o',
    observedUsd: 0,
    observedRequests: 0,
    observedTokens: 0,
    reportedUsd: 1,
    reportedTokens: 1000,
    differenceUsd: 1,
    unseenUsd: 1,
    asOf: T0 - 60_000,
    note: '',
    ...over,
  };
}

const recon = (rows: ReconciliationRow[]): ReconciliationResult => ({
  from: '2026-11-01',
  to: '2026-11-28',
  timezone: 'UTC',
  rows,
  totals: { observedUsd: 0, reportedUsd: 0, unseenUsd: rows.reduce((s, r) => s + r.unseenUsd, 0) },
  coverage: [],
  summary: 'Providers reported $1.50 that did not pass through Tollgate.',
});

function core(connections: UsageConnectionDto[], rows: ReconciliationRow[]) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'keys.list': () => [],
    'providers.list': () => PROVIDERS,
    'spend.query': (q) => ({ from: q.from ?? null, to: q.to ?? null, rows: [], totals: { requests: 0, errors: 0, partial: 0, unpricedRequests: 0, inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0 } }),
    'requests.recent': () => [],
    'usage.connections.list': () => connections,
    'usage.reconciliation': () => recon(rows),
    'usage.sources': () => [
      { id: 'openai', name: 'OpenAI', keyHint: 'an admin key (sk-admin-…) made by an organization owner', defaultBaseUrl: 'https://api.openai.com', baseUrlEnv: 'TOLLGATE_OPENAI_ADMIN_BASE_URL', coverage: 'organization' },
    ],
    'usage.connections.test': (input) =>
      'adminKey' in input && input.adminKey.startsWith('sk-proj-')
        ? { ok: false, message: 'This is a project key: it cannot read organization usage. Paste an admin key (sk-admin-…).', httpStatus: null, keysFound: null }
        : { ok: true, message: 'Connected to OpenAI: the admin key can read organization usage, and 2 API keys are listed by name.', httpStatus: 200, keysFound: 2 },
    'usage.connections.save': (input) => {
      if (!input.adminKey) throw new Error('adminKey: is required: paste an admin key (sk-admin-…) made by an organization owner');
      const c = conn({ id: 'conn_new', name: input.name ?? 'OpenAI', state: 'pending', status: 'Not polled yet' });
      connections.push(c);
      return c;
    },
  });
}

describe('usage polling in the dashboard', () => {
  it('sums the month per key and model, keeping only what the proxy did not see', () => {
    const rows = unseenByKeyAndModel(
      recon([
        rrow({ day: '2026-11-27', unseenUsd: 0.5, reportedUsd: 0.5, asOf: T0 - 3_600_000 }),
        rrow({ day: '2026-11-28', unseenUsd: 1, reportedUsd: 1.2, observedUsd: 0.2 }),
        rrow({ keyId: 'key_mine', keyName: 'Mine', reportedUsd: 2, observedUsd: 2, unseenUsd: 0 }),
        rrow({ keyId: 'key_x', reportedUsd: null, unseenUsd: 0 }),
      ]),
    );
    expect(rows).toEqual([
      { id: 'openai|openai:key_teammate|gpt-4o', key: 'Teammate laptop', model: 'gpt-4o', observedUsd: 0.2, reportedUsd: 1.7, unseenUsd: 1.5, asOf: T0 - 3_600_000 },
    ]);
  });

  it('marks reported spend the proxy did not see on the overview, only once a provider is connected', async () => {
    done = (await renderWithStore(<Overview />, core([conn()], [rrow({})]), T0)).unmount;
    const region = screen.getByRole('region', { name: "Spend Tollgate didn't see" });
    expect(within(region).getByText('Providers reported $1.50 that did not pass through Tollgate.')).toBeTruthy();
    const row = within(region).getByRole('row', { name: /Teammate laptop/ });
    expect(within(row).getByText('not through Tollgate')).toBeTruthy();
    done();
    cleanup();
    done = (await renderWithStore(<Overview />, core([], []), T0)).unmount;
    expect(screen.queryByRole('region', { name: "Spend Tollgate didn't see" })).toBeNull();
  });

  it('follows connection changes and alerts pushed by the core', async () => {
    const t = core([conn()], [rrow({})]);
    const r = await renderWithStore(<Providers />, t, T0);
    done = r.unmount;
    t.emit('usage.connectionsChanged', [conn({ state: 'rejected', status: 'Admin key rejected: OpenAI answered 401.' })]);
    t.emit('usage.connectionFailed', { connection: conn({ state: 'rejected' }), message: 'OpenAI rejected the admin key of "Acme".', rejected: true });
    await settle();
    const table = screen.getByRole('table', { name: 'Usage connections' });
    expect(within(table).getByText('key rejected')).toBeTruthy();
    expect(within(table).getByText('Admin key rejected: OpenAI answered 401.')).toBeTruthy();
    expect(r.dashboard.store.getState().toasts.map((x) => x.body)).toContain('OpenAI rejected the admin key of "Acme".');
    const before = t.calls.filter((c) => c.channel === 'usage.reconciliation').length;
    t.emit('usage.updated', { connectionId: 'conn_1', provider: 'openai', asOf: T0, rows: 3 });
    t.emit('usage.updated', { connectionId: 'conn_1', provider: 'openai', asOf: T0, rows: 3 });
    await settle(600);
    // Two polls, one reconciliation for the store (and the Providers table follows it).
    expect(t.calls.filter((c) => c.channel === 'usage.reconciliation').length - before).toBeGreaterThanOrEqual(1);
    expect(t.calls.filter((c) => c.channel === 'usage.reconciliation').length - before).toBeLessThanOrEqual(2);
  });

  it('tests a key in words before connecting it, and names a missing key on its field', async () => {
    const connections: UsageConnectionDto[] = [];
    done = (await renderWithStore(<Providers />, core(connections, []), T0)).unmount;
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Connect a provider' }));
    await user.type(screen.getByLabelText('Admin key'), 'sk-proj-123');
    await user.click(screen.getByRole('button', { name: 'Test the key' }));
    expect(await screen.findByText('This is a project key: it cannot read organization usage. Paste an admin key (sk-admin-…).')).toBeTruthy();
    await user.clear(screen.getByLabelText('Admin key'));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('is required: paste an admin key (sk-admin-…) made by an organization owner')).toBeTruthy();
    expect(screen.getByLabelText('Admin key').getAttribute('aria-invalid')).toBe('true');
    await user.type(screen.getByLabelText('Admin key'), 'sk-admin-abc');
    await user.type(screen.getByLabelText('Name', { selector: 'form[aria-labelledby="conn-form-title"] input' }), 'Acme');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await settle();
    expect(connections.map((c) => c.name)).toEqual(['Acme']);
    expect(within(screen.getByRole('table', { name: 'Usage connections' })).getByText('not polled yet')).toBeTruthy();
  });
});
