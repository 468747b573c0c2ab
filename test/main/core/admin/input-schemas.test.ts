import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../src/main/contract/api.js';
import { useProxyFixture } from '../../../support/harness.js';

const env = useProxyFixture();

/**
 * One row per admin method (the Record makes the table complete): an input that passes validation, and the
 * status it then gets (404 where it names something that does not exist), plus bad variants of it. Each bad
 * variant must get 400 naming the field, through the real HTTP admin API.
 */
interface Row {
  valid: Record<string, unknown> | undefined;
  status?: number;
  /** A field given a value of the wrong type. */
  wrongType?: [path: string, value: unknown];
  /** A field that may not be null. */
  nulled?: string;
  /** A required field. */
  missing?: string;
  /** Errors name this method's fields under a prefix ("provider.baseUrl"). */
  prefix?: string;
}

const DAYS = { from: '2026-01-01', to: '2026-01-07' };

const TABLE: Record<Channel, Row> = {
  'status.get': { valid: undefined },
  'spend.query': { valid: { groupBy: ['model'] }, wrongType: ['groupBy', 'model'], nulled: 'groupBy' },
  'requests.recent': { valid: { limit: 5 }, wrongType: ['limit', '5'], nulled: 'limit' },
  'keys.list': { valid: undefined },
  'keys.create': {
    valid: { name: 'Schema test', provider: 'openai', providerKey: 'sk-schema-00000000000001' },
    wrongType: ['name', 5],
    nulled: 'providerKey',
    missing: 'name',
  },
  'keys.update': { valid: { id: 'key_none', name: 'x' }, status: 404, wrongType: ['name', 5], nulled: 'name', missing: 'id' },
  'keys.revoke': { valid: { id: 'key_none' }, status: 404, wrongType: ['id', 5], nulled: 'id', missing: 'id' },
  'providers.list': { valid: undefined },
  'providers.saveCustom': {
    valid: { id: 'schema-test', baseUrl: 'http://127.0.0.1:9/v1' },
    prefix: 'provider.',
    wrongType: ['free', 'yes'],
    nulled: 'baseUrl',
    missing: 'id',
  },
  'providers.deleteCustom': { valid: { id: 'schema-test' }, wrongType: ['id', 5], nulled: 'id', missing: 'id' },
  'prices.lookup': { valid: { provider: 'openai', model: 'gpt-4o' }, wrongType: ['model', 4], nulled: 'provider', missing: 'model' },
  'settings.get': { valid: undefined },
  'settings.update': { valid: { paused: false }, wrongType: ['paused', 'no'], nulled: 'paused' },
  'budgets.list': { valid: undefined },
  'budgets.create': {
    valid: { name: 'Schema test', period: { kind: 'month', billingDay: 3 }, limitUsd: 5, limitTokens: 1000 },
    wrongType: ['period.billingDay', 'third'],
    nulled: 'period',
    missing: 'period',
  },
  'budgets.update': { valid: { id: 'bud_none', limitUsd: 6 }, status: 404, wrongType: ['limitUsd', '6'], nulled: 'name', missing: 'id' },
  'budgets.delete': { valid: { id: 'bud_none' }, wrongType: ['id', 1], nulled: 'id', missing: 'id' },
  'budgets.override': {
    valid: { budgetId: 'bud_none', addUsd: 5, minutes: 60, reason: 'a demo' },
    status: 404,
    wrongType: ['addUsd', '5'],
    nulled: 'reason',
    missing: 'reason',
  },
  'budgets.cancelOverride': { valid: { id: 'ovr_none' }, wrongType: ['id', 1], nulled: 'id', missing: 'id' },
  'budgets.suggestions': { valid: undefined },
  'alerts.recent': { valid: { limit: 5 }, wrongType: ['limit', '5'], nulled: 'limit' },
  'audit.list': { valid: { limit: 5, kind: 'block' }, wrongType: ['limit', true], nulled: 'limit' },
  'usage.sources': { valid: undefined },
  'usage.connections.list': { valid: undefined },
  'usage.connections.save': {
    valid: { id: 'conn_none', provider: 'openai', intervalMinutes: 10 },
    status: 404,
    wrongType: ['intervalMinutes', 'often'],
    nulled: 'provider',
    missing: 'provider',
  },
  'usage.connections.delete': { valid: { id: 'conn_none' }, wrongType: ['id', 5], nulled: 'id', missing: 'id' },
  'usage.connections.test': { valid: { id: 'conn_none' }, status: 404, wrongType: ['id', 5], nulled: 'id' },
  'usage.pollNow': { valid: {}, wrongType: ['id', 5], nulled: 'id' },
  'usage.reconciliation': { valid: DAYS, wrongType: ['from', 20260101] },
  'usage.reported': { valid: DAYS, wrongType: ['connectionId', 5], nulled: 'connectionId' },
  'export.rollups': { valid: { ...DAYS, groupBy: ['day'] }, wrongType: ['groupBy', 'day'], nulled: 'from', missing: 'to' },
  'export.requests': { valid: DAYS, wrongType: ['from', 1], nulled: 'to', missing: 'from' },
  'routing.status': { valid: undefined },
  // The harness points CODEX_HOME and CLAUDE_CONFIG_DIR into the test's data folder.
  'routing.apply': { valid: { tool: 'codex' }, wrongType: ['tool', 5], nulled: 'tool', missing: 'tool' },
  // Valid, but Tollgate routed nothing yet: refused with words.
  'routing.undo': { valid: { tool: 'claude-code' }, status: 400, wrongType: ['tool', 'vim'], nulled: 'tool', missing: 'tool' },
  'subscriptions.get': { valid: undefined },
  'subscriptions.setLimit': { valid: { claudeWindowUsd: 40 }, wrongType: ['claudeWindowUsd', '40'], missing: 'claudeWindowUsd' },
  'codingLogs.importNow': { valid: undefined },
  'teams.get': { valid: undefined },
  'teams.set': { valid: { organization: 'Acme', teams: [] }, wrongType: ['teams', 'all'], nulled: 'organization', missing: 'teams' },
  'hierarchy.report': { valid: undefined },
  'hierarchy.check': { valid: { scope: { project: 'web' }, limitUsd: 5 }, wrongType: ['limitUsd', '5'], nulled: 'scope', missing: 'scope' },
  'allocation.propose': {
    valid: { strategy: 'top-down', parent: { level: 'org' }, totalUsd: 100, targets: [{ level: 'team', id: 'a', weight: 1 }] },
    wrongType: ['totalUsd', '100'],
    nulled: 'parent',
    missing: 'targets',
  },
  'team.status': { valid: undefined },
  'team.rollup': { valid: { day: '2026-11-30' }, wrongType: ['day', 5], nulled: 'day' },
  'team.setFailMode': { valid: { budgetId: 'bud_none', mode: 'open' }, status: 404, wrongType: ['mode', 5], nulled: 'budgetId', missing: 'budgetId' },
  'history.search': { valid: { limit: 5, sort: 'cost' }, wrongType: ['limit', '5'], nulled: 'limit' },
  'history.info': { valid: undefined },
  // Valid, and then refused: headless mode has no desktop to ask where to save (the browser downloads instead).
  'history.saveExport': { valid: { format: 'csv' }, status: 400, wrongType: ['from', 'x'], nulled: 'format', missing: 'format' },
};

/** A copy of `input` with the field at a dotted path set to `value` (or removed, for undefined). */
function withField(input: Record<string, unknown> | undefined, path: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(input ?? {});
  const keys = path.split('.');
  let o = out;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
  return out;
}

async function expectInvalid(method: string, input: unknown, field: string) {
  const r = await env.tg.admin(method, input);
  const what = `${method} ${JSON.stringify(input)}`;
  expect(r.status, what).toBe(400);
  expect(r.body.error?.code, what).toBe('invalid');
  expect(r.body.error?.field, what).toBe(field);
  expect(r.body.error?.message, what).toContain(`${field}: `);
}

describe('admin input schemas', () => {
  const rows = Object.entries(TABLE) as [Channel, Row][];

  it.each(rows)('%s accepts a valid input', async (method, row) => {
    const r = await env.tg.admin(method, row.valid);
    const status = row.status ?? 200;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.ok).toBe(status === 200);
  });

  it.each(rows)('%s rejects an unknown key, naming it', async (method, row) => {
    await expectInvalid(method, { ...(row.valid ?? {}), colour: 'red' }, `${row.prefix ?? ''}colour`);
  });

  it.each(rows.filter(([, r]) => r.wrongType))('%s rejects a value of the wrong type, naming the field', async (method, row) => {
    const [path, value] = row.wrongType!;
    await expectInvalid(method, withField(row.valid, path, value), `${row.prefix ?? ''}${path}`);
  });

  it.each(rows.filter(([, r]) => r.nulled))('%s rejects null where a value is needed, naming the field', async (method, row) => {
    await expectInvalid(method, withField(row.valid, row.nulled!, null), `${row.prefix ?? ''}${row.nulled}`);
  });

  it.each(rows.filter(([, r]) => r.missing))('%s rejects a missing required field, naming it', async (method, row) => {
    await expectInvalid(method, withField(row.valid, row.missing!, undefined), `${row.prefix ?? ''}${row.missing}`);
  });

  it('names every invalid field in one message, and creates nothing', async () => {
    const before = (await env.tg.admin<unknown[]>('budgets.list')).body.data!.length;
    const r = await env.tg.admin('budgets.create', { name: 'Lax', limitTokens: 1.5, timezone: 'Mars/Olympus' });
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toContain('limitTokens: must be a whole number');
    expect(r.body.error?.message).toContain('period: required');
    expect(r.body.error?.message).toContain('timezone: is not a known field');
    expect((await env.tg.admin<unknown[]>('budgets.list')).body.data!.length).toBe(before);
  });

  it('keeps semantic checks: a real time zone, a billing day from 1 to 28, a rolling window with its length', async () => {
    await expectInvalid('settings.update', { timezone: 'Mars/Olympus' }, 'timezone');
    await expectInvalid('budgets.create', { name: 'b', limitUsd: 1, period: { kind: 'month', billingDay: 31 } }, 'period.billingDay');
    await expectInvalid('budgets.create', { name: 'b', limitUsd: 1, period: { kind: 'rolling' } }, 'period.days');
    await expectInvalid('budgets.create', { name: 'b', limitUsd: 1, period: { kind: 'day', billingDay: 2 } }, 'period.billingDay');
  });

  it('rejects a JSON null where an object is needed, rather than reading it as no change', async () => {
    const res = await fetch(`${env.tg.url}/api/settings.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.tg.core.adminToken}`, 'content-type': 'application/json' },
      body: 'null',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('input');
  });
});
