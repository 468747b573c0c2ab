import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule is what keeps the core runnable in plain Node; make sure it actually fires. */
describe('layering', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: file }))[0]!.messages.map((m) => m.message);

  it('the core may not import electron', async () => {
    expect((await lint('src/main/core/proxy/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).join()).toMatch(/Bad layering/);
    expect((await lint('src/main/core/x.ts', "import { w } from '../electron/window.js';\nexport const a = w;\n")).join()).toMatch(/Bad layering/);
  });

  it('the contract is types only and may not reach into the core', async () => {
    expect((await lint('src/main/contract/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).join()).toMatch(/types only/);
  });

  it('the renderer may not import electron, node modules or main-process code', async () => {
    expect((await lint('src/renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).join()).toMatch(/no Node modules/);
    expect((await lint('src/renderer/src/x.ts', "import { createCore } from '../../main/core/create-core';\nexport const a = createCore;\n")).join()).toMatch(/only through the contract/);
    expect((await lint('src/renderer/src/x.ts', "import type { StatusDto } from '../../main/contract/api';\nexport type A = StatusDto;\n"))).toEqual([]);
  });

  describe('layers inside the core', () => {
    const fires = async (file: string, from: string) => (await lint(file, `import { x } from '${from}';\nexport const a = x;\n`)).join();

    it('util/ imports nothing from the rest of the core', async () => {
      expect(await fires('src/main/core/util/x.ts', '../ledger/rollups.js')).toMatch(/Bad layering: util\//);
      expect(await fires('src/main/core/util/x.ts', '../create-core.js')).toMatch(/Bad layering: util\//);
      expect(await fires('src/main/core/util/x.ts', './clock.js')).toBe('');
      expect(await fires('src/main/core/util/x.ts', '../../contract/usage.js')).toBe('');
    });

    it('pricing/ imports only util/', async () => {
      expect(await fires('src/main/core/pricing/x.ts', '../providers/registry.js')).toMatch(/Bad layering: pricing\//);
      expect(await fires('src/main/core/pricing/x.ts', '../util/token-usage.js')).toBe('');
    });

    it('providers/ know nothing of the proxy, budgets, the ledger, or polling beyond its source interface', async () => {
      for (const from of ['../../proxy/forward.js', '../../budgets/engine.js', '../../ledger/ledger.js', '../../polling/poller.js']) {
        expect(await fires('src/main/core/providers/openai/x.ts', from), from).toMatch(/Bad layering: providers\//);
      }
      for (const from of ['../../polling/types.js', '../../polling/provider-client.js', '../../polling/buckets.js']) {
        expect(await fires('src/main/core/providers/openai/x.ts', from), from).toBe('');
      }
    });

    it('ledger/ may not import the proxy or budgets', async () => {
      expect(await fires('src/main/core/ledger/x.ts', '../proxy/outcome.js')).toMatch(/Bad layering: ledger\//);
      expect(await fires('src/main/core/ledger/x.ts', '../budgets/engine.js')).toMatch(/Bad layering: ledger\//);
    });

    it('budgets/ may import only the admission types from proxy/', async () => {
      expect(await fires('src/main/core/budgets/x.ts', '../proxy/forward.js')).toMatch(/Bad layering: budgets\//);
      expect(await fires('src/main/core/budgets/x.ts', '../proxy/admission.js')).toBe('');
    });

    it('each layer still bans electron', async () => {
      for (const dir of ['util', 'pricing', 'providers', 'ledger', 'budgets']) {
        expect(await fires(`src/main/core/${dir}/x.ts`, 'electron'), dir).toMatch(/Bad layering: the core/);
      }
    });
  });

  it('src/shared is pure: no node modules, core or renderer code, and the contract as types only; the renderer may import it', async () => {
    expect((await lint('src/shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).join()).toMatch(/pure code/);
    expect((await lint('src/shared/x.ts', "import { createCore } from '../main/core/create-core.js';\nexport const a = createCore;\n")).join()).toMatch(/pure code/);
    expect((await lint('src/shared/x.ts', "import { CHANNELS } from '../main/contract/api.js';\nexport const a = CHANNELS;\n")).join()).toMatch(/import type/);
    expect(await lint('src/shared/x.ts', "import type { KeyDto } from '../main/contract/keys.js';\nexport type A = KeyDto;\n")).toEqual([]);
    expect(await lint('src/renderer/src/x.ts', "import { setupSnippets } from '../../shared/setup-snippets';\nexport const a = setupSnippets;\n")).toEqual([]);
  });

  it('electron code is allowed in src/main/electron', async () => {
    expect(await lint('src/main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
});
