import type { ApiEvents, Channel, Input, Output, TollgateApi } from '../../../src/main/contract/api';
import type { ConnectionState, EventListener, Transport } from '../../../src/renderer/src/api/transport';

type Handlers = { [C in Channel]?: (input: Input<C>) => Output<C> | Promise<Output<C>> };

export interface FakeTransport extends Transport {
  calls: { channel: string; input: unknown }[];
  /** Pushes a core event, as the SSE stream or IPC would. */
  emit<E extends keyof ApiEvents>(name: E, payload: ApiEvents[E]): void;
  setConnection(s: ConnectionState): void;
  handlers: Handlers;
}

/**
 * A transport whose channels are plain functions: what the store does with answers and events is tested here;
 * the real transports are tested against a real core (test/e2e).
 */
export function createFakeTransport(handlers: Handlers, opts: { kind?: 'ipc' | 'http'; connection?: ConnectionState } = {}): FakeTransport {
  const calls: { channel: string; input: unknown }[] = [];
  let listener: EventListener | null = null;
  let onState: ((s: ConnectionState) => void) | null = null;
  const api = new Proxy({} as TollgateApi, {
    get(_t, name) {
      if (typeof name !== 'string' || !name.includes('.')) return undefined;
      return async (input: unknown) => {
        calls.push({ channel: name, input });
        const h = (handlers as Record<string, ((i: unknown) => unknown) | undefined>)[name];
        if (!h) throw Object.assign(new Error(`${name} is not available in this build yet.`), { code: 'internal' });
        return h(input);
      };
    },
  });
  return {
    kind: opts.kind ?? 'http',
    api,
    calls,
    handlers,
    subscribe(l, s) {
      listener = l;
      onState = s;
      s(opts.connection ?? 'live');
      return () => {
        listener = null;
        onState = null;
      };
    },
    emit(name, payload) {
      (listener as ((n: string, p: unknown) => void) | null)?.(name, payload);
    },
    setConnection(s) {
      onState?.(s);
    },
  };
}
