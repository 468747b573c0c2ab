import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BudgetInput } from '../../../src/main/contract/budgets';
import { ApiError } from '../../../src/renderer/src/api/errors';
import { budgetToForm, emptyBudgetForm } from '../../../src/renderer/src/lib/budget-form';
import { BudgetForm } from '../../../src/renderer/src/views/BudgetForm';
import { budget, key, PROVIDERS } from '../support/fixtures';

afterEach(cleanup);

function setup(onSave: (input: BudgetInput) => Promise<unknown>, initial = emptyBudgetForm(), editing = false) {
  const onCancel = vi.fn();
  render(<BudgetForm initial={initial} editing={editing} keys={[key('key_1', { name: 'Claude Code' })]} providers={PROVIDERS} onSave={onSave} onCancel={onCancel} />);
  return { user: userEvent.setup(), onCancel };
}

const errorOf = (label: string) => {
  const input = screen.getByLabelText(label);
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
  if (input.getAttribute('aria-invalid') !== 'true') return null;
  const el = ids.map((id) => document.getElementById(id)).find((e) => e?.classList.contains('field-error'));
  return el?.textContent ?? null;
};

describe('budget form', () => {
  it('names mistakes on their fields without calling the engine, and moves focus to the first', async () => {
    const onSave = vi.fn(async () => undefined);
    const { user } = setup(onSave);
    await user.clear(screen.getByLabelText('Starts on day'));
    await user.type(screen.getByLabelText('Starts on day'), '31');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(onSave).not.toHaveBeenCalled();
    expect(errorOf('Name')).toMatch(/Give the budget a name/);
    expect(errorOf('Limit, $')).toMatch(/dollar limit, a token limit, or both/);
    expect(errorOf('Starts on day')).toBe('must be at most 28');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    // Fixing a field clears its message at once.
    await user.type(screen.getByLabelText('Name'), 'Team');
    expect(errorOf('Name')).toBeNull();
  });

  it('sends what the form says', async () => {
    const onSave = vi.fn(async () => undefined);
    const { user } = setup(onSave);
    await user.type(screen.getByLabelText('Name'), 'Claude Code');
    await user.selectOptions(screen.getByLabelText('Key'), 'key_1');
    await user.type(screen.getByLabelText('Limit, $'), '60');
    await user.type(screen.getByLabelText('Daily cap, $'), '8');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(onSave).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Claude Code', scope: { keyId: 'key_1' }, limitUsd: 60, dailyGuardrailUsd: 8, hardStopPercent: 120, period: { kind: 'month', billingDay: 1 } }),
    );
  });

  it("shows the engine's own validation on the field it names", async () => {
    const onSave = vi.fn(async () => {
      throw new ApiError({ code: 'invalid', field: 'thresholds[2]', message: 'thresholds[2]: must not pass the hard stop (120%)' });
    });
    const { user } = setup(onSave);
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.type(screen.getByLabelText('Limit, $'), '5');
    await user.clear(screen.getByLabelText('Notify at, %'));
    await user.type(screen.getByLabelText('Notify at, %'), '50, 80, 150');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(onSave).toHaveBeenCalledOnce();
    expect(errorOf('Notify at, %')).toBe('must not pass the hard stop (120%)');
    expect(document.activeElement).toBe(screen.getByLabelText('Notify at, %'));
  });

  it('shows an error without a field above the form, in words', async () => {
    const { user } = setup(async () => {
      throw new Error('Budgets are not available in this build yet.');
    });
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.type(screen.getByLabelText('Limit, $'), '5');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(screen.getByRole('alert').textContent).toBe('Budgets are not available in this build yet.');
  });

  it('shows the fields each period needs', async () => {
    const { user } = setup(async () => undefined);
    await user.selectOptions(screen.getByLabelText('Period'), 'rolling');
    expect(screen.queryByLabelText('Starts on day')).toBeNull();
    expect(screen.getByLabelText('Window, days')).toBeTruthy();
    await user.click(screen.getByLabelText('Hard stop'));
    expect(screen.queryByLabelText('Stop at, %')).toBeNull();
  });

  it('asks for strict admission per budget, and sends it only once chosen', async () => {
    const onSave = vi.fn(async (_input: BudgetInput) => undefined);
    const { user } = setup(onSave);
    await user.type(screen.getByLabelText('Name'), 'Agents');
    await user.type(screen.getByLabelText('Limit, $'), '5');
    const holds = screen.getByLabelText('Streams hold') as HTMLSelectElement;
    expect(holds.value).toBe('expected');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    // Untouched: the budget is saved without the setting, as budgets made before it existed.
    expect(onSave.mock.calls[0]![0]).not.toHaveProperty('admission');
    await user.selectOptions(holds, 'strict');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(onSave.mock.calls[1]![0]).toMatchObject({ admission: 'strict', hardStopPercent: 120 });
  });

  it('turns a strict budget back to expected-output reservations when edited', async () => {
    const onSave = vi.fn(async (_input: BudgetInput) => undefined);
    const { user } = setup(onSave, budgetToForm(budget({ name: 'Agents', admission: 'strict' })), true);
    const holds = screen.getByLabelText('Streams hold') as HTMLSelectElement;
    expect(holds.value).toBe('strict');
    await user.selectOptions(holds, 'expected');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onSave.mock.calls[0]![0]).toMatchObject({ admission: 'expected' });
  });

  it('hides the admission choice for a budget that only warns', async () => {
    const { user } = setup(async () => undefined);
    expect(screen.getByLabelText('Streams hold')).toBeTruthy();
    await user.click(screen.getByLabelText('Hard stop'));
    expect(screen.queryByLabelText('Streams hold')).toBeNull();
  });
});
