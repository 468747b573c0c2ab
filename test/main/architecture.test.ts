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

  it('electron code is allowed in src/main/electron', async () => {
    expect(await lint('src/main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
});
