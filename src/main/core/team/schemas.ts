import { z } from 'zod';
import { noInput, text } from '../util/schema.js';

export const teamSchemas = {
  'team.status': noInput,
  'team.setFailMode': z.strictObject({ budgetId: text(200), mode: z.enum(['open', 'closed', 'local', 'default']) }),
};
