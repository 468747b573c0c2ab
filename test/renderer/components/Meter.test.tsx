import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Meter, meterScale } from '../../../src/renderer/src/components/Meter';
import { budgetStatus, T0 } from '../support/fixtures';

afterEach(cleanup);

describe('utilization bar', () => {
  it('draws the spend, the 50/80/100% marks and the hard stop on one scale', () => {
    const s = budgetStatus({ percent: 52, spentUsd: 31.2 });
    const { container } = render(<Meter s={s} now={T0} tz="UTC" />);
    const meter = screen.getByRole('meter');
    expect(meter.getAttribute('aria-valuenow')).toBe('52');
    expect(meter.getAttribute('aria-valuetext')).toBe('$31.20 of $60.00, 52%');
    const scale = meterScale(s);
    expect(scale).toBeCloseTo(132, 6);
    const fill = container.querySelector<HTMLElement>('.meter-fill')!;
    expect(parseFloat(fill.style.width)).toBeCloseTo((52 / 132) * 100, 3);
    const marks = [...container.querySelectorAll<HTMLElement>('.mark')].map((m) => [m.textContent, parseFloat(m.style.left)]);
    expect(marks.map(([t]) => t)).toEqual(['50%', '80%', '100%', 'stop 120%']);
    expect(marks[3]![1]).toBeCloseTo((120 / 132) * 100, 3);
    expect(container.querySelector('.mark-fired')?.textContent).toBe('50%');
    expect(screen.getByText('past 50%')).toBeTruthy();
    expect(screen.getByText(/resets in 2 d 12 h \(Dec 1, 00:00\)/)).toBeTruthy();
  });

  it('keeps an overrun inside the bar and says so', () => {
    const { container } = render(<Meter s={budgetStatus({ percent: 190, spentUsd: 114, state: 'stopped' })} now={T0} tz="UTC" />);
    expect(parseFloat(container.querySelector<HTMLElement>('.meter-fill')!.style.width)).toBe(100);
    expect(screen.getByText('hard-stopped')).toBeTruthy();
  });

  it('shows token limits, overrides, reported spend and unpriced calls', () => {
    const s = budgetStatus(
      {
        effectiveLimitTokens: 2_000_000,
        spentTokens: 500_000,
        reportedUsd: 40,
        reportedAsOf: T0 - 600_000,
        unpricedRequests: 3,
        overrides: [{ id: 'o1', budgetId: 'b_1', addUsd: 20, addPercent: null, expiresAt: T0 + 7_200_000, reason: 'launch', createdAt: T0 }],
      },
      { hardStopPercent: null },
    );
    const { container } = render(<Meter s={s} now={T0} tz="UTC" />);
    expect(container.textContent).toContain('$31.20 of $60.00 · 500K of 2M tokens');
    expect(container.textContent).toContain('raised by $20.00 until Nov 28, 14:00 (in 2 h)');
    expect(container.textContent).toContain('provider reports $40.00 as of Nov 28, 11:50');
    expect(container.textContent).toContain('3 unpriced calls');
    expect(container.querySelector('.mark-stop')).toBeNull();
  });
});

describe('spend Tollgate cannot block', () => {
  it('says so under the bar, with the way to route the tool one click away', () => {
    const message = 'Tollgate can warn but not stop this: route Claude Code through Tollgate.';
    const { container } = render(<Meter s={budgetStatus({ percent: 60, unblockable: { tools: ['claude-code'], message } })} now={T0} tz="UTC" />);
    expect(container.querySelector('.unblockable')?.textContent).toBe(`${message} Route it`);
    expect(screen.getByRole('link', { name: 'Route it' }).getAttribute('href')).toBe('#/settings/coding-tools');
  });

  it('says nothing for a budget whose spend all passed the proxy', () => {
    const { container } = render(<Meter s={budgetStatus({ percent: 60 })} now={T0} tz="UTC" />);
    expect(container.querySelector('.unblockable')).toBeNull();
  });
});
