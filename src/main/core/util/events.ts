/** A small typed event emitter. Listeners that throw are isolated so one bad adapter cannot break the core. */
export interface Emitter<M extends Record<string, unknown>> {
  on<K extends keyof M>(name: K, listener: (payload: M[K]) => void): () => void;
  emit<K extends keyof M>(name: K, payload: M[K]): void;
  /** Whether anyone listens: a payload that is costly to build is built only for listeners. */
  listening(name: keyof M): boolean;
}

export function createEmitter<M extends Record<string, unknown>>(onListenerError?: (err: unknown) => void): Emitter<M> {
  const listeners = new Map<keyof M, Set<(payload: never) => void>>();
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    listening: (name) => (listeners.get(name)?.size ?? 0) > 0,
    emit(name, payload) {
      const set = listeners.get(name);
      if (!set) return;
      for (const l of set) {
        try {
          (l as (p: typeof payload) => void)(payload);
        } catch (err) {
          onListenerError?.(err);
        }
      }
    },
  };
}
