import { z } from 'zod';
import { periodSchema } from '../budgets/schemas.js';
import { noInput, optionalText, text } from '../util/schema.js';

const TEAM_ID = /^[a-z0-9][a-z0-9_-]*$/;
const names = z.array(text(200)).max(1000).default([]);

const teamSchema = z.strictObject({
  id: z.string().trim().min(1).max(64).regex(TEAM_ID, 'use lower-case letters, digits, "-" and "_", starting with a letter or digit'),
  name: text(100),
  projects: names,
  keys: names,
  users: names,
});

/** Teams of the hierarchy. A project, key or user listed by two teams would make "its team" ambiguous: refused. */
export const teamsSchema = z
  .strictObject({
    organization: text(100).default('Organization'),
    teams: z.array(teamSchema).max(200),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Map<string, number>();
    const owners = { projects: new Map<string, string>(), keys: new Map<string, string>(), users: new Map<string, string>() };
    cfg.teams.forEach((t, i) => {
      if (ids.has(t.id)) ctx.addIssue({ code: 'custom', path: ['teams', i, 'id'], message: `"${t.id}" is already the id of team ${ids.get(t.id)! + 1}` });
      else ids.set(t.id, i);
      for (const kind of ['projects', 'keys', 'users'] as const) {
        t[kind].forEach((name, j) => {
          const owner = owners[kind].get(name);
          if (owner !== undefined && owner !== t.id) ctx.addIssue({ code: 'custom', path: ['teams', i, kind, j], message: `"${name}" already belongs to team "${owner}"` });
          else owners[kind].set(name, t.id);
        });
      }
    });
  });

const target = {
  level: z.enum(['team', 'project', 'key', 'user']),
  id: text(200),
};
const parent = z.discriminatedUnion('level', [z.strictObject({ level: z.literal('org') }), z.strictObject({ level: z.literal('team'), id: text(64) })]);
const money = z.number().min(0).max(1e9);

const allocationSchema = z.discriminatedUnion('strategy', [
  z.strictObject({
    strategy: z.literal('top-down'),
    parent,
    period: periodSchema.optional(),
    totalUsd: z.number().gt(0).max(1e9),
    targets: z.array(z.strictObject({ ...target, weight: z.number().gt(0).max(1e6) })).min(1).max(500),
  }),
  z.strictObject({
    strategy: z.literal('bottom-up'),
    parent,
    period: periodSchema.optional(),
    targets: z.array(z.strictObject({ ...target, estimateUsd: money })).min(1).max(500),
  }),
  z.strictObject({
    strategy: z.literal('proportional'),
    parent,
    period: periodSchema.optional(),
    growthPercent: z.number().min(-100).max(10_000),
    discretionaryUsd: money,
    targets: z.array(z.strictObject({ ...target, lastUsd: money.optional() })).min(1).max(500),
  }),
]);

const checkSchema = z.strictObject({
  id: optionalText(),
  scope: z.strictObject({
    provider: optionalText(),
    project: optionalText(),
    keyId: optionalText(),
    user: optionalText(),
    model: optionalText(),
    run: optionalText(),
    team: optionalText(),
  }),
  period: periodSchema.optional(),
  limitUsd: z.number().gt(0).max(1e9).nullable(),
});

export const hierarchySchemas = {
  'teams.get': noInput,
  'teams.set': teamsSchema,
  'hierarchy.report': noInput,
  'hierarchy.check': checkSchema,
  'allocation.propose': allocationSchema,
};
