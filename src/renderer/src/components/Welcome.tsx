import { useState } from 'react';
import type { ProviderDto } from '../../../main/contract/api';
import { href } from '../lib/route';
import { setupSnippets, type SnippetKey } from '../../../shared/setup-snippets';
import { CodeBlock } from './CopyButton';
import { Tabs } from './Tabs';

/** Setup snippets for the common tools, with the proxy's real URLs and, right after creating one, the key. */
export function SetupSnippets({ providers, keyFor }: { providers: readonly ProviderDto[]; keyFor?: SnippetKey | null }) {
  const snippets = setupSnippets(providers, { key: keyFor });
  // Open on a tool that can use the new key: Codex for an OpenAI key, Claude Code for an Anthropic one.
  const preferred = keyFor ? snippets.find((s) => s.text.includes(keyFor.secret)) : undefined;
  const [tab, setTab] = useState<string>(preferred?.id ?? snippets[0]?.id ?? '');
  if (snippets.length === 0) return null;
  return (
    <Tabs
      label="Setup for"
      selected={tab}
      onSelect={setTab}
      tabs={snippets.map((s) => ({
        id: s.id,
        label: s.title,
        content: (
          <div className="snippet">
            <p className="hint">{s.where}</p>
            <CodeBlock text={s.text} label={`${s.title} setup`} />
            <p className="hint">{s.note}</p>
          </div>
        ),
      }))}
    />
  );
}

/** First run: nothing has gone through Tollgate yet, so say how to send something. */
export function Welcome({ providers }: { providers: readonly ProviderDto[] }) {
  return (
    <section className="card welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Route a tool through Tollgate</h2>
      <p>
        Tollgate counts what passes through it. Point a tool's base URL at it and keep using your own key: the spend shows up here within a second of
        each call. For per-tool budgets and keys you can revoke, <a href={href('keys')}>create a Tollgate key</a> instead.
      </p>
      <SetupSnippets providers={providers} />
      <details>
        <summary>Every provider's address</summary>
        <ul className="plain">
          {providers.map((p) => (
            <li key={p.id}>
              {p.name}: <code>{p.proxyUrl}</code>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
