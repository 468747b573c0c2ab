/** Provider usage polling's part of the contract: admin-key connections, reported spend, reconciliation. */
import type {
  ConnectionFailedEvent,
  ReconciliationQuery,
  ReconciliationResult,
  ReportedQuery,
  ReportedUsageResult,
  SaveConnectionInput,
  TestConnectionInput,
  TestConnectionResult,
  UsageConnectionDto,
  UsageSourceDto,
  UsageUpdatedEvent,
} from './polling.js';

export type * from './polling.js';

export interface PollingApiSpec {
  'usage.sources': { input: void; output: UsageSourceDto[] };
  'usage.connections.list': { input: void; output: UsageConnectionDto[] };
  'usage.connections.save': { input: SaveConnectionInput; output: UsageConnectionDto };
  'usage.connections.delete': { input: { id: string }; output: { deleted: boolean } };
  'usage.connections.test': { input: TestConnectionInput; output: TestConnectionResult };
  /** Polls one connection (or all enabled ones) now and answers when done. */
  'usage.pollNow': { input: { id?: string }; output: UsageConnectionDto[] };
  'usage.reconciliation': { input: ReconciliationQuery; output: ReconciliationResult };
  'usage.reported': { input: ReportedQuery; output: ReportedUsageResult };
}

export const POLLING_CHANNELS = [
  'usage.sources',
  'usage.connections.list',
  'usage.connections.save',
  'usage.connections.delete',
  'usage.connections.test',
  'usage.pollNow',
  'usage.reconciliation',
  'usage.reported',
] as const satisfies readonly (keyof PollingApiSpec)[];

export interface PollingEvents {
  /** A poll stored fresh provider figures. */
  'usage.updated': UsageUpdatedEvent;
  /** A connection's key was rejected, or its polls keep failing: the tray notifies. Once per failure streak. */
  'usage.connectionFailed': ConnectionFailedEvent;
  /** Any connection's state changed (saved, polled, failed, deleted): the dashboard redraws from this. */
  'usage.connectionsChanged': UsageConnectionDto[];
}

export const POLLING_EVENTS = ['usage.updated', 'usage.connectionFailed', 'usage.connectionsChanged'] as const satisfies readonly (keyof PollingEvents)[];
