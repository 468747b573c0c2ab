import { z } from 'zod';
import { noInput } from '../util/schema.js';

const tool = z.strictObject({ tool: z.enum(['claude-code', 'codex']) });

export const routingSchemas = {
  'routing.status': noInput,
  'routing.apply': tool,
  'routing.undo': tool,
  'subscriptions.get': noInput,
  'subscriptions.setLimit': z.strictObject({ claudeWindowUsd: z.number().positive().max(1_000_000).nullable() }),
  'codingLogs.importNow': noInput,
};
