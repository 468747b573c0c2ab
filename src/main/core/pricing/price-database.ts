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

export function createPriceDatabase(): PriceDatabase {
  // Resolving a model scans ~1,700 entries (~70 µs); pricing against a one-model provider is ~25 µs.
  // So the match is cached per provider and model, and the cached entry keeps the model's dated prices.
  const resolved = new Map<string, { provider: Provider; model: ModelInfo } | null>();
  const source = `genai-prices@${packageVersion()}`;
  return {
    source,
    price(providerId, model, usage, at) {
      const key = `${providerId}\u0000${model}`;
      let entry = resolved.get(key);
      if (entry === undefined) {
        const probe = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId, timestamp: at });
        entry = probe ? { provider: { ...probe.provider, models: [probe.model], fallback_model_providers: [] }, model: probe.model } : null;
        resolved.set(key, entry);
      }
      if (!entry) return null;
      const r = calcPrice(usage, model, { provider: entry.provider, timestamp: at });
      if (!r) return null;
      return { total: r.total_price, modelId: r.model.id, contextWindow: r.model.context_window ?? null };
    },
  };
}
