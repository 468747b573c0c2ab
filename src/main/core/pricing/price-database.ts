import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { calcPrice, type ModelInfo, type Provider, type Usage } from '@pydantic/genai-prices';

/** The maintained price database (@pydantic/genai-prices), behind a small interface with a per-model cache. */
export interface PriceDatabase {
  /** null: the database does not know this model under this provider. */
  price(providerId: string, model: string, usage: Usage, at: Date): { total: number; modelId: string; contextWindow: number | null } | null;
  readonly source: string;
}

function packageVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@pydantic/genai-prices');
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Per-token prices of a model whose price is a flat rate per token kind: cost is then a dot product. */
interface LinearPrice {
  uncached: number;
  read: number;
  write5m: number;
  write1h: number;
  output: number;
}

/** Price keys a flat model may have; anything else (tiers, per-request fees, dated prices) goes to the library. */
const FLAT_KEYS = new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok', 'cache_write_1h_mtok', 'web_searches_kcount', 'storage_searches_kcount']);

export function linearPriceOf(model: ModelInfo): LinearPrice | null {
  if (Array.isArray(model.prices)) return null;
  const p = model.prices as Record<string, unknown>;
  for (const [k, v] of Object.entries(p)) {
    if (!FLAT_KEYS.has(k) || (v !== undefined && typeof v !== 'number')) return null;
  }
  const input = p.input_mtok as number | undefined;
  const output = p.output_mtok as number | undefined;
  if (input === undefined || output === undefined) return null;
  const read = (p.cache_read_mtok as number | undefined) ?? input;
  const write5m = (p.cache_write_mtok as number | undefined) ?? input;
  const write1h = (p.cache_write_1h_mtok as number | undefined) ?? write5m;
  return { uncached: input / 1e6, read: read / 1e6, write5m: write5m / 1e6, write1h: write1h / 1e6, output: output / 1e6 };
}

/** The token prices a library tier may apply to; a tiered price on any other key goes to the library. */
const TOKEN_KEYS = new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok', 'cache_write_1h_mtok']);

interface Tiered {
  base: number;
  tiers: { start: number; price: number }[];
}
const isTiered = (v: unknown): v is Tiered =>
  typeof v === 'object' && v !== null && typeof (v as Tiered).base === 'number' && Array.isArray((v as Tiered).tiers) &&
  (v as Tiered).tiers.every((t) => typeof t?.start === 'number' && typeof t.price === 'number');

/**
 * Flat rates by input size. The library prices every token of a call at the tier its total input tokens exceed
 * (e.g. Sonnet 4.5 above 200k input): bands[0] holds the rates up to starts[0], bands[i] those above starts[i-1].
 */
export interface BandedPrice {
  starts: number[];
  bands: LinearPrice[];
}

export function bandedPriceOf(model: ModelInfo): BandedPrice | null {
  if (Array.isArray(model.prices)) return null;
  const p = model.prices as Record<string, unknown>;
  const starts = new Set<number>();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || typeof v === 'number' || !FLAT_KEYS.has(k)) continue;
    if (!TOKEN_KEYS.has(k) || !isTiered(v)) return null;
    for (const t of v.tiers) starts.add(t.start);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  // The library's rule: the last tier (by start) whose start the input exceeds, else the base.
  const rateAt = (v: Tiered, input: number) => [...v.tiers].sort((a, b) => a.start - b.start).reduce((r, t) => (input > t.start ? t.price : r), v.base);
  const flatAt = (input: number) =>
    linearPriceOf({ ...model, prices: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, isTiered(v) ? rateAt(v, input) : v])) } as ModelInfo);
  // Token counts are whole numbers: half a token past a start is inside that start's tier.
  const bands = [flatAt(0), ...sorted.map((s) => flatAt(s + 0.5))];
  if (bands.some((b) => b === null)) return null;
  return { starts: sorted, bands: bands as LinearPrice[] };
}

export function createPriceDatabase(): PriceDatabase {
  // Resolving a model scans ~1,700 entries (~70 µs); pricing against a one-model provider is ~25 µs; a flat-rate
  // model is a dot product. So the match is cached per provider and model, with its flat rates when it has them
  // (per input-size tier for tiered models, which the library would otherwise price at ~25 µs a call).
  const resolved = new Map<string, { provider: Provider; model: ModelInfo; banded: BandedPrice | null } | null>();
  const source = `genai-prices@${packageVersion()}`;
  return {
    source,
    price(providerId, model, usage, at) {
      const key = `${providerId}\u0000${model}`;
      let entry = resolved.get(key);
      if (entry === undefined) {
        const probe = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId, timestamp: at });
        entry = probe
          ? { provider: { ...probe.provider, models: [probe.model], fallback_model_providers: [] }, model: probe.model, banded: bandedPriceOf(probe.model) }
          : null;
        resolved.set(key, entry);
      }
      if (!entry) return null;
      const b = entry.banded;
      if (b) {
        const input = usage.input_tokens ?? 0;
        let i = 0;
        while (i < b.starts.length && input > b.starts[i]!) i++;
        const l = b.bands[i]!;
        const read = usage.cache_read_tokens ?? 0;
        const writes = usage.cache_write_tokens ?? 0;
        const w1h = usage.cache_write_1h_tokens ?? 0;
        const uncached = (usage.input_tokens ?? 0) - read - writes;
        const total = uncached * l.uncached + read * l.read + (writes - w1h) * l.write5m + w1h * l.write1h + (usage.output_tokens ?? 0) * l.output;
        return { total, modelId: entry.model.id, contextWindow: entry.model.context_window ?? null };
      }
      const r = calcPrice(usage, model, { provider: entry.provider, timestamp: at });
      if (!r) return null;
      return { total: r.total_price, modelId: r.model.id, contextWindow: r.model.context_window ?? null };
    },
  };
}
