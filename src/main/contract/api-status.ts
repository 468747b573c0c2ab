import type { TeamStatusDto } from './api-team.js';

/** The core's own part of the contract: its status. */
export interface StatusDto {
  version: string;
  url: string;
  host: string;
  port: number;
  dataDir: string;
  storePath: string | null;
  /** Problems in words: a corrupt file moved aside, a data folder that cannot be written… */
  problems: string[];
  priceSource: string;
  /** Prices Tollgate corrects over the price library, with where each is published. */
  priceCorrections?: { id: string; models: string[]; note: string; url: string }[];
  startedAt: number;
  timezone: string;
  hardStopEnforcement: boolean;
  paused: boolean;
  /** Team mode (shared budgets on Redis); absent when this Tollgate runs on its own. */
  team?: TeamStatusDto;
}

export interface StatusApiSpec {
  'status.get': { input: void; output: StatusDto };
}

export const STATUS_CHANNELS = ['status.get'] as const satisfies readonly (keyof StatusApiSpec)[];

export interface StatusEvents {
  'status.changed': StatusDto;
}

export const STATUS_EVENTS = ['status.changed'] as const satisfies readonly (keyof StatusEvents)[];
