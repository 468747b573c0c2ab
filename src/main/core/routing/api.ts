import type { RoutingApiSpec } from '../../contract/api.js';
import type { Subscriptions } from '../subscriptions/subscriptions.js';
import { schemaApi } from '../util/schema.js';
import type { Routing } from './routing.js';
import { routingSchemas } from './schemas.js';

export interface RoutingApiDeps {
  routing: Routing;
  subscriptions: Subscriptions;
  /** Runs the log import once (the last 30 days, what was not read yet); null when this core imports no logs. */
  importNow: (() => Promise<number>) | null;
}

export function createRoutingApi(d: RoutingApiDeps) {
  return schemaApi<RoutingApiSpec>()(routingSchemas, {
    'routing.status': async () => d.routing.status(),
    'routing.apply': async ({ tool }) => d.routing.apply(tool),
    'routing.undo': async ({ tool }) => d.routing.undo(tool),
    'subscriptions.get': async () => d.subscriptions.view(),
    'subscriptions.setLimit': async ({ claudeWindowUsd }) => {
      d.subscriptions.setLimit(claudeWindowUsd);
      return d.subscriptions.view();
    },
    'codingLogs.importNow': async () => (d.importNow ? { recorded: await d.importNow(), enabled: true } : { recorded: 0, enabled: false }),
  });
}
