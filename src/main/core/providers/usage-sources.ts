import type { UsageSource } from '../polling/types.js';
import { anthropicUsageSource } from './anthropic/usage-api.js';
import { openaiUsageSource } from './openai/usage-api.js';
import { openrouterUsageSource } from './openrouter/usage-api.js';

/** The usage sources registry: one line per provider whose usage Tollgate can poll. */
export const USAGE_SOURCES: readonly UsageSource[] = [openaiUsageSource, anthropicUsageSource, openrouterUsageSource];
