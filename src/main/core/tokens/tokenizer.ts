/**
 * Exact o200k token counts for admission near a limit. gpt-tokenizer takes ~370 ms to load cold, so it is
 * loaded in the background the first time it is wanted and never on a request's path; until it is ready,
 * callers fall back to a bound that needs no tokenizer.
 */
export interface Tokenizer {
  /** Token count, or null while the tokenizer is still loading (the load starts on the first call). */
  count(text: string): number | null;
  ready(): Promise<void>;
}

export function createLazyTokenizer(onError?: (err: unknown) => void): Tokenizer {
  let impl: ((text: string) => number) | null = null;
  let loading: Promise<void> | null = null;
  const load = () =>
    (loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
      (m) => {
        // User text may contain "<|endoftext|>": count it as text rather than throw.
        const opts = { disallowedSpecial: new Set<string>() };
        impl = (text) => m.countTokens(text, opts);
      },
      (err: unknown) => {
        onError?.(err);
      },
    ));
  return {
    count(text) {
      if (impl) return impl(text);
      void load();
      return null;
    },
    ready: () => load(),
  };
}
