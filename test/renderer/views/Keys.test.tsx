import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyDto } from '../../../src/main/contract/keys';
import { Keys } from '../../../src/renderer/src/views/Keys';
import { createFakeTransport } from '../support/fake-transport';
import { key, PROVIDERS, settings, status, T0 } from '../support/fixtures';
import { renderWithStore } from '../support/render';

let done: (() => void) | null = null;
afterEach(() => {
  done?.();
  cleanup();
});

const spendRow = (costUsd: number, requests: number) => ({
  requests,
  errors: 0,
  partial: 0,
  unpricedRequests: 0,
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costUsd,
});

function core(keys: KeyDto[]) {
  return createFakeTransport({
    'status.get': () => status(),
    'settings.get': () => settings(),
    'keys.list': () => keys.map((k) => ({ ...k })),
    'providers.list': () => PROVIDERS,
    'requests.recent': () => [],
    'keys.create': (input) => {
      if (input.providerKey.startsWith('tg_')) throw new Error("providerKey: must be the provider's own key, not a Tollgate key");
      const k = key('key_new', { name: input.name, provider: input.provider, project: input.project ?? null });
      keys.push(k);
      return { key: k, secret: 'tg_SECRETsecretSECRET' };
    },
    'keys.update': (input) => {
      const k = keys.find((x) => x.id === input.id)!;
      if (input.name !== undefined) k.name = input.name;
      return { ...k };
    },
    'spend.query': (q) => ({
      from: q.from ?? null,
      to: q.to ?? null,
      rows: q.groupBy?.includes('keyId') ? [{ keyId: 'fp_1', ...spendRow(4.25, 9) }] : [],
      totals: spendRow(4.25, 9),
    }),
    'keys.revoke': ({ id }) => {
      const k = keys.find((x) => x.id === id)!;
      k.revokedAt = T0;
      return { ...k };
    },
  });
}

describe('keys', () => {
  it('creates a key and shows its secret once, with a copy button and snippets that use it', async () => {
    const keys: KeyDto[] = [];
    done = (await renderWithStore(<Keys />, core(keys), T0)).unmount;
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Codex laptop');
    await user.type(screen.getByLabelText('Provider API key'), 'sk-real-key');
    await user.type(screen.getByLabelText('Project'), 'web');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const created = await screen.findByRole('region', { name: '“Codex laptop” is ready' });
    expect(within(created).getByText('tg_SECRETsecretSECRET')).toBeTruthy();
    expect(within(created).getAllByRole('button', { name: 'Copy' }).length).toBeGreaterThan(0);
    expect(within(created).getByText(/shown only this once/)).toBeTruthy();
    await user.click(within(created).getByRole('tab', { name: 'OpenAI SDK' }));
    expect(within(created).getByText(/export OPENAI_API_KEY=tg_SECRETsecretSECRET/)).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Tollgate keys' })).getByText('Codex laptop')).toBeTruthy();

    await user.click(within(created).getByRole('button', { name: "I've saved it" }));
    expect(screen.queryByText('tg_SECRETsecretSECRET')).toBeNull();
  });

  it("shows the core's refusal on the field it names", async () => {
    done = (await renderWithStore(<Keys />, core([]), T0)).unmount;
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.type(screen.getByLabelText('Provider API key'), 'tg_oops');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const input = screen.getByLabelText('Provider API key');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(await screen.findByText("must be the provider's own key, not a Tollgate key")).toBeTruthy();
  });

  it('revokes only on a second press', async () => {
    const keys = [key('key_a', { name: 'Claude Code' })];
    done = (await renderWithStore(<Keys />, core(keys), T0)).unmount;
    const user = userEvent.setup();
    const table = screen.getByRole('table', { name: 'Tollgate keys' });
    await user.click(within(table).getByRole('button', { name: 'Revoke' }));
    expect(keys[0]!.revokedAt).toBeNull();
    await user.click(within(table).getByRole('button', { name: 'Revoke now?' }));
    // The Status column says so in a word; the actions give way to when.
    expect(await within(table).findByText('revoked')).toBeTruthy();
    expect(within(table).getByText(/^revoked \S/)).toBeTruthy();
    expect(keys[0]!.revokedAt).toBe(T0);
  });

  it('lists keys seen in passthrough apart from Tollgate keys', async () => {
    done = (await renderWithStore(<Keys />, core([key('fp_1', { kind: 'passthrough', name: null, label: 'sk-ant-…wxyz', subscription: true })]), T0)).unmount;
    const table = screen.getByRole('table', { name: 'Keys seen in passthrough' });
    expect(within(table).getByText('sk-ant-…wxyz')).toBeTruthy();
    expect(within(table).getByText('subscription')).toBeTruthy();
  });

  it('names a passthrough key, and shows its spend this month and its status', async () => {
    const keys = [key('fp_1', { kind: 'passthrough', name: null, label: 'sk-…wxyz', lastSeenAt: T0 - 60_000 }), key('key_b', { name: 'Idle tool', lastSeenAt: T0 - 30 * 86_400_000 })];
    const t = core(keys);
    done = (await renderWithStore(<Keys />, t, T0)).unmount;
    const table = screen.getByRole('table', { name: 'Keys seen in passthrough' });
    expect(await within(table).findByText('$4.25')).toBeTruthy();
    expect(within(table).getByText('active')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Tollgate keys' })).getByText('idle')).toBeTruthy();
    expect(t.calls.filter((c) => c.channel === 'spend.query').at(-1)!.input).toEqual({ from: '2026-11-01', to: '2026-11-28', groupBy: ['keyId'] });

    const user = userEvent.setup();
    await user.click(within(table).getByRole('button', { name: 'Name sk-…wxyz' }));
    await user.type(within(table).getByLabelText('Name'), 'Laptop scripts');
    await user.click(within(table).getByRole('button', { name: 'Save' }));
    expect(await within(table).findByText('Laptop scripts')).toBeTruthy();
    expect(keys[0]!.name).toBe('Laptop scripts');
    expect(t.calls.find((c) => c.channel === 'keys.update')!.input).toEqual({ id: 'fp_1', name: 'Laptop scripts' });
  });
});
