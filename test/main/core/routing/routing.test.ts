import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouting, type Routing } from '../../../../src/main/core/routing/routing.js';
import { routedFile } from '../../../../src/main/core/routing/targets.js';
import { createManualClock } from '../../../../src/main/core/util/clock.js';

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-routing-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(proxy = 'http://127.0.0.1:4999') {
  const root = temp();
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const env = { CLAUDE_CONFIG_DIR: path.join(root, 'claude'), CODEX_HOME: path.join(root, 'codex') };
  let url: string | null = proxy;
  const routing: Routing = createRouting({ dataDir: path.join(root, 'data'), env, home, clock: createManualClock(), proxyUrl: () => url });
  return {
    routing,
    home,
    claudeFile: path.join(env.CLAUDE_CONFIG_DIR, 'settings.json'),
    codexFile: path.join(env.CODEX_HOME, 'config.toml'),
    setProxy: (u: string) => (url = u),
    write(file: string, text: string) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return Buffer.from(text);
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed TOML document, read by path in assertions
type TomlDoc = Record<string, any>;

const stateOf = (r: Routing, tool: 'claude-code' | 'codex') => r.status().tools.find((t) => t.tool === tool)!;

const CLAUDE_ODD = `// Claude Code user settings — hand edited
{
\t"model": "opus",   /* the big one */
\t"env": {
\t\t"CLAUDE_CODE_MAX_OUTPUT_TOKENS": "8000", // trailing comment
\t},

\t"permissions": { "allow": ["Bash(npm test)"] }
}
`;

const CODEX_WITH_PROVIDERS = `# Codex config, with comments
model = "gpt-5.5"
model_provider = "openai"   # was the default
approval_policy = "on-request"

[model_providers.azure]
# Azure deployment
name = "Azure"
base_url = "https://example.openai.azure.com/openai"
env_key = "AZURE_OPENAI_API_KEY"

[profiles.fast]
model = "gpt-5.5-mini"
`;

describe('routing Claude Code', () => {
  it('sets env.ANTHROPIC_BASE_URL in a commented, tab-indented settings.json, keeps every other byte, and undoes to the byte', () => {
    const s = setup();
    const before = s.write(s.claudeFile, CLAUDE_ODD);
    expect(stateOf(s.routing, 'claude-code').state).toBe('not-routed');
    const st = s.routing.apply('claude-code');
    expect(st).toMatchObject({ state: 'routed', managed: true, baseUrl: 'http://127.0.0.1:4999/anthropic' });
    const after = fs.readFileSync(s.claudeFile, 'utf8');
    const parsed = parseJsonc(after);
    expect(parsed.env).toEqual({ CLAUDE_CODE_MAX_OUTPUT_TOKENS: '8000', ANTHROPIC_BASE_URL: 'http://127.0.0.1:4999/anthropic' });
    expect(parsed.model).toBe('opus');
    expect(parsed.permissions).toEqual({ allow: ['Bash(npm test)'] });
    // Only an insertion: removing the new key's text gives the original back.
    const inserted = after.length - CLAUDE_ODD.length;
    expect(inserted).toBeGreaterThan(0);
    let i = 0;
    while (after[i] === CLAUDE_ODD[i]) i++;
    expect(after.slice(0, i) + after.slice(i + inserted)).toBe(CLAUDE_ODD);
    expect(after).toContain('/* the big one */');
    expect(after).toContain('// trailing comment');

    const undone = s.routing.undo('claude-code');
    expect(undone).toMatchObject({ state: 'not-routed', managed: false });
    expect(fs.readFileSync(s.claudeFile).equals(before)).toBe(true);
  });

  it('replaces a base URL already set elsewhere, and puts it back on undo', () => {
    const s = setup();
    const text = '{\n    "env": { "ANTHROPIC_BASE_URL": "https://gateway.example.com" },\n    "theme": "dark"\n}';
    const before = s.write(s.claudeFile, text);
    expect(stateOf(s.routing, 'claude-code')).toMatchObject({ state: 'not-routed', baseUrl: 'https://gateway.example.com' });
    s.routing.apply('claude-code');
    expect(fs.readFileSync(s.claudeFile, 'utf8')).toBe(text.replace('https://gateway.example.com', 'http://127.0.0.1:4999/anthropic'));
    s.routing.undo('claude-code');
    expect(fs.readFileSync(s.claudeFile).equals(before)).toBe(true);
  });

  it('creates the file when there is none, and removes it on undo', () => {
    const s = setup();
    s.routing.apply('claude-code');
    expect(JSON.parse(fs.readFileSync(s.claudeFile, 'utf8'))).toEqual({ env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4999/anthropic' } });
    s.routing.undo('claude-code');
    expect(fs.existsSync(s.claudeFile)).toBe(false);
  });

  it('refuses a malformed settings.json with a clear message and writes nothing', () => {
    const s = setup();
    const before = s.write(s.claudeFile, '{ "env": { "A": "1" }, "model": }\n');
    const mtime = fs.statSync(s.claudeFile).mtimeMs;
    expect(stateOf(s.routing, 'claude-code').state).toBe('malformed');
    expect(() => s.routing.apply('claude-code')).toThrow(/cannot read .*settings\.json: it is not valid JSON \(ValueExpected on line 1\)/);
    expect(fs.readFileSync(s.claudeFile).equals(before)).toBe(true);
    expect(fs.statSync(s.claudeFile).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(path.dirname(s.claudeFile))).toEqual(['settings.json']);
  });

  it('refuses an env that is not an object', () => {
    const s = setup();
    const before = s.write(s.claudeFile, '{ "env": "nope" }');
    expect(() => s.routing.apply('claude-code')).toThrow(/"env" is not an object/);
    expect(fs.readFileSync(s.claudeFile).equals(before)).toBe(true);
  });

  it('a file changed by hand since Tollgate wrote it is neither written again nor undone', () => {
    const s = setup();
    s.write(s.claudeFile, '{ "theme": "dark" }\n');
    s.routing.apply('claude-code');
    const edited = fs.readFileSync(s.claudeFile, 'utf8').replace('"dark"', '"light"');
    fs.writeFileSync(s.claudeFile, edited);
    const st = stateOf(s.routing, 'claude-code');
    expect(st.state).toBe('changed');
    expect(st.message).toMatch(/changed by hand since Tollgate wrote it/);
    s.setProxy('http://127.0.0.1:5000');
    expect(() => s.routing.apply('claude-code')).toThrow(/changed by hand/);
    expect(() => s.routing.undo('claude-code')).toThrow(/changed by hand/);
    expect(fs.readFileSync(s.claudeFile, 'utf8')).toBe(edited);
  });

  it('routing again after a port change keeps the first backup, so undo still restores the original', () => {
    const s = setup();
    const before = s.write(s.claudeFile, '{\n  "theme": "dark"\n}\n');
    s.routing.apply('claude-code');
    s.setProxy('http://127.0.0.1:5001');
    expect(stateOf(s.routing, 'claude-code').message).toMatch(/now listens at http:\/\/127\.0\.0\.1:5001\/anthropic/);
    s.routing.apply('claude-code');
    expect(parseJsonc(fs.readFileSync(s.claudeFile, 'utf8')).env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:5001/anthropic');
    s.routing.undo('claude-code');
    expect(fs.readFileSync(s.claudeFile).equals(before)).toBe(true);
  });

  it('undo without a Tollgate write is refused', () => {
    const s = setup();
    expect(() => s.routing.undo('claude-code')).toThrow(/nothing to undo/);
  });
});

describe('routing Codex', () => {
  it('selects a tollgate provider in a config.toml with comments and other providers, and undoes to the byte', () => {
    const s = setup();
    const before = s.write(s.codexFile, CODEX_WITH_PROVIDERS);
    s.routing.apply('codex');
    const after = fs.readFileSync(s.codexFile, 'utf8');
    const doc = parseToml(after) as TomlDoc;
    expect(doc.model_provider).toBe('tollgate');
    expect(doc.model_providers.tollgate).toEqual({ name: 'Tollgate', base_url: 'http://127.0.0.1:4999/openai/v1', env_key: 'OPENAI_API_KEY', wire_api: 'responses' });
    expect(doc.model_providers.azure.base_url).toBe('https://example.openai.azure.com/openai');
    expect(doc.profiles.fast.model).toBe('gpt-5.5-mini');
    // The smallest edit: one value replaced (its comment kept), one table appended.
    expect(after.startsWith(CODEX_WITH_PROVIDERS.replace('model_provider = "openai"', 'model_provider = "tollgate"'))).toBe(true);
    expect(after).toContain('model_provider = "tollgate"   # was the default');
    expect(after).toContain('# Azure deployment');
    expect(stateOf(s.routing, 'codex')).toMatchObject({ state: 'routed', baseUrl: 'http://127.0.0.1:4999/openai/v1' });
    s.routing.undo('codex');
    expect(fs.readFileSync(s.codexFile).equals(before)).toBe(true);
  });

  it('puts model_provider above the first table when there is none, so it stays a top-level key', () => {
    const s = setup();
    const text = '[history]\npersistence = "save-all"\n';
    const before = s.write(s.codexFile, text);
    s.routing.apply('codex');
    const doc = parseToml(fs.readFileSync(s.codexFile, 'utf8')) as TomlDoc;
    expect(doc.model_provider).toBe('tollgate');
    expect(doc.history).toEqual({ persistence: 'save-all' });
    s.routing.undo('codex');
    expect(fs.readFileSync(s.codexFile).equals(before)).toBe(true);
  });

  it('re-points an existing [model_providers.tollgate] base_url only', () => {
    const s = setup();
    const text = 'model_provider = "tollgate"\n\n[model_providers.tollgate]\nname = "Mine"\nbase_url = "http://127.0.0.1:1/openai/v1" # old port\nwire_api = "responses"\n';
    s.write(s.codexFile, text);
    expect(stateOf(s.routing, 'codex').state).toBe('not-routed');
    s.routing.apply('codex');
    expect(fs.readFileSync(s.codexFile, 'utf8')).toBe(text.replace('http://127.0.0.1:1/', 'http://127.0.0.1:4999/'));
  });

  it('refuses a malformed config.toml and writes nothing', () => {
    const s = setup();
    const before = s.write(s.codexFile, 'model = "gpt-5.5"\n[model_providers.x\nname = 1\n');
    expect(stateOf(s.routing, 'codex').state).toBe('malformed');
    expect(() => s.routing.apply('codex')).toThrow(/cannot read .*config\.toml: it is not valid TOML/);
    expect(fs.readFileSync(s.codexFile).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(s.codexFile))).toEqual(['config.toml']);
  });

  it('a hand change after Tollgate wrote config.toml blocks both writing and undo', () => {
    const s = setup();
    s.write(s.codexFile, CODEX_WITH_PROVIDERS);
    s.routing.apply('codex');
    fs.appendFileSync(s.codexFile, '\n# my note\n');
    const bytes = fs.readFileSync(s.codexFile);
    expect(stateOf(s.routing, 'codex').state).toBe('changed');
    expect(() => s.routing.undo('codex')).toThrow(/changed by hand since Tollgate wrote it/);
    expect(fs.readFileSync(s.codexFile).equals(bytes)).toBe(true);
  });

  it('creates config.toml when there is none, and removes it on undo', () => {
    const s = setup();
    s.routing.apply('codex');
    expect((parseToml(fs.readFileSync(s.codexFile, 'utf8')) as Record<string, unknown>).model_provider).toBe('tollgate');
    s.routing.undo('codex');
    expect(fs.existsSync(s.codexFile)).toBe(false);
  });
});

describe('where the files are', () => {
  it('follows CLAUDE_CONFIG_DIR (first of several) and CODEX_HOME, else the home folder', () => {
    expect(routedFile('claude-code', { CLAUDE_CONFIG_DIR: '/a/claude, /b/claude' }, '/h')).toBe(path.join('/a/claude', 'settings.json'));
    expect(routedFile('claude-code', {}, '/h')).toBe(path.join('/h', '.claude', 'settings.json'));
    expect(routedFile('codex', { CODEX_HOME: '/c/codex' }, '/h')).toBe(path.join('/c/codex', 'config.toml'));
    expect(routedFile('codex', {}, '/h')).toBe(path.join('/h', '.codex', 'config.toml'));
  });

  it('writes only under the configured folders, never the home folder', () => {
    const s = setup();
    s.routing.apply('claude-code');
    s.routing.apply('codex');
    expect(fs.existsSync(s.claudeFile) && fs.existsSync(s.codexFile)).toBe(true);
    expect(fs.readdirSync(s.home)).toEqual([]);
  });
});

describe('a settings folder that moved', () => {
  it('refuses to route the new file while the old one is routed, and undo restores the old one', () => {
    const root = temp();
    const home = path.join(root, 'home');
    const env: Record<string, string> = { CLAUDE_CONFIG_DIR: path.join(root, 'a'), CODEX_HOME: path.join(root, 'codex') };
    const routing = createRouting({ dataDir: path.join(root, 'data'), env, home, clock: createManualClock(), proxyUrl: () => 'http://127.0.0.1:4999' });
    const first = path.join(root, 'a', 'settings.json');
    fs.mkdirSync(path.dirname(first), { recursive: true });
    fs.writeFileSync(first, '{ "theme": "dark" }');
    routing.apply('claude-code');
    env.CLAUDE_CONFIG_DIR = path.join(root, 'b');
    expect(() => routing.apply('claude-code')).toThrow(/Tollgate routed Claude Code in .*a\/settings\.json; undo that first/);
    expect(fs.existsSync(path.join(root, 'b', 'settings.json'))).toBe(false);
    routing.undo('claude-code');
    expect(fs.readFileSync(first, 'utf8')).toBe('{ "theme": "dark" }');
  });
});
