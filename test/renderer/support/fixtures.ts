import type { ProviderDto, SpendRowDto, StatusDto } from '../../../src/main/contract/api';
import type { Budget, BudgetStatus } from '../../../src/main/contract/budgets';
import type { KeyDto } from '../../../src/main/contract/keys';
import type { Settings } from '../../../src/main/contract/settings';
import type { RequestRecord } from '../../../src/main/contract/usage';

export const T0 = Date.UTC(2026, 10, 28, 12, 0); // 2026-11-28 12:00 UTC

export function status(over: Partial<StatusDto> = {}): StatusDto {
  return {
    version: '0.1.0',
    url: 'http://127.0.0.1:4848',
    host: '127.0.0.1',
    port: 4848,
    dataDir: '/tmp/tg',
    storePath: null,
    problems: [],
    priceSource: 'genai-prices@test',
    startedAt: T0 - 3_600_000,
    timezone: 'UTC',
    hardStopEnforcement: true,
    paused: false,
    ...over,
  };
}

export function settings(over: Partial<Settings> = {}): Settings {
  return {
    upstreams: {},
    customProviders: [],
    recentLimit: 500,
    bodyLimitBytes: 1 << 25,
    upstreamIdleTimeoutMs: 600_000,
    timezone: 'UTC',
    priceOverrides: [],
    hardStopEnforcement: true,
    paused: false,
    unpricedPolicy: 'allow',
    alertWebhookUrl: null,
    defaultThresholds: [50, 80, 100],
    defaultHardStopPercent: 120,
    degradeMap: { openai: { 'gpt-4o': 'gpt-4o-mini' } },
    assumedMaxOutputTokens: 32_768,
    clampFloorOutputTokens: 1024,
    importCodingLogs: true,
    historyRetentionDays: 90,
    ...over,
  };
}

export const PROVIDERS: ProviderDto[] = [
  { id: 'openai', name: 'OpenAI', builtin: true, baseUrl: 'https://api.openai.com', proxyUrl: 'http://127.0.0.1:4848/openai/v1', pricingProviderId: 'openai', free: false },
  { id: 'anthropic', name: 'Anthropic', builtin: true, baseUrl: 'https://api.anthropic.com', proxyUrl: 'http://127.0.0.1:4848/anthropic', pricingProviderId: 'anthropic', free: false },
];

export function key(id: string, over: Partial<KeyDto> = {}): KeyDto {
  return {
    id,
    kind: 'wrapped',
    label: `tg_…${id.slice(-4)}`,
    name: `Key ${id}`,
    provider: 'openai',
    project: null,
    owner: null,
    createdAt: T0 - 86_400_000,
    lastSeenAt: null,
    revokedAt: null,
    upstreamLabel: 'sk-…abcd',
    subscription: false,
    ...over,
  };
}

let seq = 0;
export function record(over: Partial<RequestRecord> = {}): RequestRecord {
  seq++;
  return {
    id: `req_${seq}`,
    ts: T0,
    durationMs: 420,
    ttfbMs: 100,
    provider: 'openai',
    operation: 'chat.completions',
    model: 'gpt-4o-mini',
    responseModel: null,
    keyId: 'key_a',
    keyLabel: 'tg_…key_a',
    project: null,
    user: null,
    run: null,
    status: 200,
    stream: false,
    usage: { inputTokens: 1000, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 100, reasoningTokens: 0 },
    costUsd: 0.01,
    pricedModel: 'gpt-4o-mini',
    priceSource: 'test',
    flags: [],
    ...over,
  };
}

export function row(over: Partial<SpendRowDto> & Pick<SpendRowDto, 'costUsd'>): SpendRowDto {
  return {
    requests: 1,
    errors: 0,
    partial: 0,
    unpricedRequests: 0,
    inputTokens: 100,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 10,
    reasoningTokens: 0,
    ...over,
  };
}

export function budget(over: Partial<Budget> = {}): Budget {
  return {
    id: 'b_1',
    source: 'api',
    name: 'Claude Code',
    scope: {},
    period: { kind: 'month', billingDay: 1 },
    limitUsd: 60,
    limitTokens: null,
    thresholds: [50, 80, 100],
    hardStopPercent: 120,
    action: 'block',
    degradeTo: {},
    dailyGuardrailUsd: null,
    counts: 'max',
    runLimits: {},
    enabled: true,
    createdAt: T0 - 86_400_000,
    updatedAt: T0 - 86_400_000,
    ...over,
  };
}

export function budgetStatus(over: Partial<BudgetStatus> = {}, b: Partial<Budget> = {}): BudgetStatus {
  return {
    budget: budget(b),
    run: null,
    periodKey: '2026-11',
    periodStart: Date.UTC(2026, 10, 1),
    resetsAt: Date.UTC(2026, 11, 1),
    spentUsd: 31.2,
    spentTokens: 0,
    reservedUsd: 0,
    reservedTokens: 0,
    reportedUsd: null,
    reportedAsOf: null,
    effectiveLimitUsd: 60,
    effectiveLimitTokens: null,
    percent: 52,
    state: 'notice',
    fired: [50],
    unpricedRequests: 0,
    guardrail: null,
    overrides: [],
    iterations: null,
    ...over,
  };
}
