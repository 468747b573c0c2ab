import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from '../../contract/usage.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Pricer } from '../pricing/pricer.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/events.js';
import { createIdGenerator } from '../util/ids.js';
import { createTelemetryIntake, type TelemetryIntake } from './intake.js';
import { createOtlpHttp } from './otlp-http.js';
import { createOtlpTypes } from './proto.js';

export interface TelemetryWiring {
  ledger: { record(r: RequestRecord): void; recent(f: { limit: number }): RequestRecord[] };
  /** The history's latest records, oldest first (the ledger keeps only a short list in memory). */
  latest?: (limit: number) => RequestRecord[];
  /** Budgets count telemetry too (it never passed admission); each budget decides by its `sources`. */
  budgets: { addExternal(r: RequestRecord): void };
  events: Emitter<{ 'request.recorded': RequestRecord }>;
  keys: Pick<KeyRing, 'identify'>;
  pricer: Pricer;
  clock: Clock;
  initial: unknown;
  onChange: () => void;
  bodyIdleTimeoutMs?: number;
}

export interface TelemetryWired {
  intake: TelemetryIntake;
  http: (req: IncomingMessage, res: ServerResponse, path: string) => void;
}

/** The OTLP intake inside the core: its records go to the ledger and the budgets like imported log records. */
export function wireTelemetry(w: TelemetryWiring): TelemetryWired {
  const intake = createTelemetryIntake({
    pricer: w.pricer,
    // Route ids and price-database ids coincide for the two providers the tools call.
    target: (id) => ({ routeId: id, pricingProviderId: id, free: false }),
    record: (r) => {
      w.ledger.record(r);
      w.budgets.addExternal(r);
    },
    nextId: createIdGenerator('otel'),
    clock: w.clock,
    initial: w.initial,
    onChange: w.onChange,
    latest: w.latest ?? ((limit) => w.ledger.recent({ limit }).reverse()),
  });
  w.events.on('request.recorded', (r) => intake.noteRecorded(r));
  const http = createOtlpHttp({ intake, types: createOtlpTypes(), keys: w.keys, now: () => w.clock.now(), bodyIdleTimeoutMs: w.bodyIdleTimeoutMs });
  return { intake, http };
}
