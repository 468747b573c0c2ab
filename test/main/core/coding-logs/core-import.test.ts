import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/main/contract/usage.js';
import { parseCsv } from '../../../support/csv.js';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fake-upstream.js';
import { startTollgate, tempDir, type Tollgate } from '../../../support/harness.js';
import { eventually, records } from '../../../support/wait.js';
import { claudeLine, codexCount, codexMeta, codexTurn } from './logs.js';

let fake: FakeUpstream;
let tg: Tollgate;
let claudeFile: string;
let codexFile: string;

beforeAll(async () => {
  fake = await startFakeUpstream();
  const root = tempDir();
  const claude = path.join(root, 'claude', 'projects');
  const codex = path.join(root, 'codex', 'sessions');
  fs.mkdirSync(path.join(claude, '-home-u-proj'), { recursive: true });
  fs.mkdirSync(path.join(codex, '2026', '11', '30'), { recursive: true });
  claudeFile = path.join(claude, '-home-u-proj', 'bb25-session.jsonl');
  codexFile = path.join(codex, '2026', '11', '30', 'rollout-2026-11-30T02-08-00-thread-1.jsonl');
  // A slow poll: a line that counts within 2 s is fs.watch's doing (or the poll's, on file systems without events).
  tg = await startTollgate({ upstream: fake.url, core: { codingLogs: { claudeRoots: [claude], codexRoots: [codex], pollMs: 1500 } } });
});
afterAll(async () => {
  await tg.stop();
  await fake.close();
});

const logRecords = async () => (await tg.core.api['requests.recent']({ limit: 1000 })).filter((r: RequestRecord) => r.source === 'logs');

describe('coding-tool logs in the core', () => {
  it('records a proxied call with its upstream id, and does not count it again from the transcript', async () => {
    const res = await fetch(`${tg.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-logs-0000000001' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    const [proxied] = await records(tg.core, 1);
    expect(proxied!.upstreamId).toBe('msg_fake');
    expect(proxied!.source).toBeUndefined();

    fs.writeFileSync(
      claudeFile,
      [claudeLine({ msgId: 'msg_fake', requestId: 'req_fake', input: 10, output: 5 }), claudeLine({ msgId: 'msg_direct', requestId: 'req_d', input: 900, write5m: 100, read: 500, output: 60 })].join('\n') + '\n',
    );
    const imported = await eventually(async () => ((await logRecords()).length >= 1 ? logRecords() : null), 3000, 'an imported record');
    expect(imported.map((r) => r.upstreamId)).toEqual(['msg_direct']);
    expect(imported[0]!.costUsd).toBeCloseTo(0.004125, 12);
  });

  it('tails appended lines within 2 seconds, and they count in spend.query', async () => {
    const before = await tg.admin<{ totals: { requests: number; costUsd: number } }>('spend.query', { groupBy: ['project'] });
    fs.writeFileSync(codexFile, [codexMeta(), codexTurn('gpt-5')].join('\n') + '\n');
    const t0 = Date.now();
    fs.appendFileSync(codexFile, codexCount({ input: 1200, cached: 300, output: 80, reasoning: 20 }, { input: 1200, cached: 300, output: 80, reasoning: 20 }) + '\n');
    await eventually(async () => (await logRecords()).some((r) => r.tool === 'codex'), 2000, 'the Codex turn');
    expect(Date.now() - t0).toBeLessThan(2000);
    const after = await eventually(async () => {
      const q = await tg.admin<{ rows: { project: string; costUsd: number; requests: number }[]; totals: { requests: number; costUsd: number } }>('spend.query', { groupBy: ['project'] });
      return q.body.data!.totals.requests === before.body.data!.totals.requests + 1 ? q : null;
    });
    expect(after.body.data!.totals.costUsd - before.body.data!.totals.costUsd).toBeCloseTo(0.0019625, 12);
    expect(after.body.data!.rows.find((r) => r.project === '/home/u/codex-proj')?.requests).toBe(1);
    const day = new Date().toISOString().slice(0, 10);
    const csv = (await tg.admin<{ csv: string }>('export.requests', { from: day, to: day })).body as { data: { csv: string } };
    const rows = parseCsv(csv.data.csv);
    expect(rows.filter((r) => r.source === 'logs').map((r) => [r.tool, r.upstream_id, r.session])).toEqual([
      ['claude-code', 'msg_direct', 'bb25-session'],
      ['codex', '', 'thread-1'],
    ]);
    expect(rows.filter((r) => r.source === 'proxy').map((r) => r.upstream_id)).toEqual(['msg_fake']);
  });

  it('counts imported spend in the budgets it falls under', async () => {
    const created = await tg.admin<{ id: string }>('budgets.create', { name: 'proj', scope: { project: '/home/u/proj' }, period: { kind: 'day' }, limitUsd: 10, hardStopPercent: null });
    expect(created.status).toBe(200);
    const id = (created.body as { data: { id: string } }).data.id;
    fs.appendFileSync(claudeFile, claudeLine({ msgId: 'msg_budget', requestId: 'req_b', input: 10, write1h: 2000, output: 100 }) + '\n');
    const status = await eventually(async () => {
      const list = (await tg.admin<{ budget: { id: string }; spentUsd: number }[]>('budgets.list')).body as { data: { budget: { id: string }; spentUsd: number }[] };
      const row = list.data.find((r) => r.budget.id === id);
      return row && row.spentUsd > 0.005 ? row : null;
    }, 3000, 'budget spend');
    // Seeded from the day's recorded spend (msg_direct) when it was made, plus the new call ($6/MTok 1-hour writes).
    expect(status.spentUsd).toBeCloseTo(0.004125 + 0.01353, 12);
  });

  it('stops importing when the setting is turned off', async () => {
    expect((await tg.admin('settings.update', { importCodingLogs: false })).status).toBe(200);
    const n = (await logRecords()).length;
    fs.appendFileSync(claudeFile, claudeLine({ msgId: 'msg_later', requestId: 'req_l', input: 100 }) + '\n');
    await new Promise((r) => setTimeout(r, 1800));
    expect((await logRecords()).length).toBe(n);
    expect((await tg.admin('settings.update', { importCodingLogs: true })).status).toBe(200);
    await eventually(async () => (await logRecords()).length === n + 1, 3000, 'the line once import is back on');
  });
});
