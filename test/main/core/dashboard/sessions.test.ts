import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDashboardSessions } from '../../../../src/main/core/dashboard/sessions.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';
import { tempDir } from '../../../support/harness.js';

describe('dashboard sessions survive a restart', () => {
  it('a session opened before a restart is still valid after it, and only its hash is on disk', () => {
    const clock = createManualClock(Date.now());
    const file = path.join(tempDir(), 'dashboard-sessions.json');
    const first = createDashboardSessions({ clock, file });
    const id = first.redeemCode(first.mintCode())!;
    expect(first.valid(id)).toBe(true);

    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(id);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const second = createDashboardSessions({ clock, file });
    expect(second.valid(id)).toBe(true);
    expect(second.valid(id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A'))).toBe(false);
  });

  it('expiry and sign-out carry over too', () => {
    const clock = createManualClock(Date.now());
    const file = path.join(tempDir(), 's.json');
    const a = createDashboardSessions({ clock, file, sessionTtlMs: 60_000 });
    const short = a.open();
    clock.advance(30_000);
    const other = a.open();
    const closed = a.open();
    a.close(closed);

    clock.advance(31_000);
    const b = createDashboardSessions({ clock, file, sessionTtlMs: 60_000 });
    expect(b.valid(short)).toBe(false);
    expect(b.valid(other)).toBe(true);
    expect(b.valid(closed)).toBe(false);
  });

  it('login codes are not stored: a link printed before the restart no longer works', () => {
    const clock = createManualClock(Date.now());
    const file = path.join(tempDir(), 's.json');
    const code = createDashboardSessions({ clock, file }).mintCode();
    expect(createDashboardSessions({ clock, file }).redeemCode(code)).toBeNull();
  });

  it('an unreadable file means nobody is signed in, and the next sign-in rewrites it', () => {
    const clock = createManualClock(Date.now());
    const file = path.join(tempDir(), 's.json');
    fs.writeFileSync(file, '{"sessions": [{"hash": 1}');
    const s = createDashboardSessions({ clock, file });
    const id = s.open();
    expect(createDashboardSessions({ clock, file }).valid(id)).toBe(true);
  });

  it('a folder it cannot write to is reported once, and sessions keep working in memory', () => {
    const clock = createManualClock(Date.now());
    const file = path.join(tempDir(), 'missing', 'deeper', 'nope.json');
    fs.writeFileSync(path.join(path.dirname(path.dirname(file))), 'a file, not a folder');
    const problems: string[] = [];
    const s = createDashboardSessions({ clock, file, onProblem: (m) => problems.push(m) });
    const a = s.open();
    s.open();
    expect(s.valid(a)).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/restart will sign browsers out/);
  });
});
