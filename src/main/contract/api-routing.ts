/** Coding tools' part of the contract: one-click routing, subscription windows, and the 30-day log import. */
import type { RoutedToolId, RoutingStatusDto, RoutingToolStatus, SubscriptionWindowsDto } from './routing.js';

export type * from './routing.js';

export interface RoutingApiSpec {
  'routing.status': { input: void; output: RoutingStatusDto };
  /** Writes Tollgate's base URL into the tool's settings file (refused for a malformed or hand-changed file). */
  'routing.apply': { input: { tool: RoutedToolId }; output: RoutingToolStatus };
  /** Puts the file back byte for byte (or removes it if Tollgate created it). */
  'routing.undo': { input: { tool: RoutedToolId }; output: RoutingToolStatus };
  'subscriptions.get': { input: void; output: SubscriptionWindowsDto };
  /** The Claude window limit the 50/80/100% notifications use; null clears it. */
  'subscriptions.setLimit': { input: { claudeWindowUsd: number | null }; output: SubscriptionWindowsDto };
  /** Imports the last 30 days of Claude Code and Codex logs now; lines already taken are not counted again. */
  'codingLogs.importNow': { input: void; output: { recorded: number; enabled: boolean } };
}

export const ROUTING_CHANNELS = [
  'routing.status',
  'routing.apply',
  'routing.undo',
  'subscriptions.get',
  'subscriptions.setLimit',
  'codingLogs.importNow',
] as const satisfies readonly (keyof RoutingApiSpec)[];
