/**
 * The one contract between the core and its clients: the renderer over IPC, the dashboard in a browser over
 * HTTP (/api/<channel>), and curl. Types only, plus the channel lists the preload builds its methods from.
 * Each domain declares its channels in its own file (api-status.ts, api-ledger.ts, api-budgets.ts, …); this file
 * joins them.
 */
import { BUDGET_CHANNELS, BUDGET_EVENTS, type BudgetApiSpec, type BudgetEvents } from './api-budgets.js';
import { EXPORT_CHANNELS, type ExportApiSpec } from './api-export.js';
import { HISTORY_CHANNELS, type HistoryApiSpec } from './api-history.js';
import { KEY_CHANNELS, type KeysApiSpec } from './api-keys.js';
import { LEDGER_CHANNELS, LEDGER_EVENTS, type LedgerApiSpec, type LedgerEvents } from './api-ledger.js';
import { POLLING_CHANNELS, POLLING_EVENTS, type PollingApiSpec, type PollingEvents } from './api-polling.js';
import { PROVIDER_CHANNELS, type ProvidersApiSpec } from './api-providers.js';
import { SETTINGS_CHANNELS, type SettingsApiSpec } from './api-settings.js';
import { ROUTING_CHANNELS, type RoutingApiSpec } from './api-routing.js';
import { STATUS_CHANNELS, STATUS_EVENTS, type StatusApiSpec, type StatusEvents } from './api-status.js';
import { HIERARCHY_CHANNELS, type HierarchyApiSpec } from './api-hierarchy.js';
import { TEAM_CHANNELS, type TeamApiSpec } from './api-team.js';

export type * from './api-status.js';
export type * from './api-ledger.js';
export type * from './api-keys.js';
export type * from './api-providers.js';
export type * from './api-settings.js';
export type * from './api-budgets.js';
export type * from './api-polling.js';
export type * from './api-export.js';
export type * from './api-routing.js';
export type * from './api-hierarchy.js';
export type * from './api-team.js';
export type * from './api-history.js';

export interface ApiSpec
  extends StatusApiSpec,
    LedgerApiSpec,
    KeysApiSpec,
    ProvidersApiSpec,
    SettingsApiSpec,
    BudgetApiSpec,
    PollingApiSpec,
    ExportApiSpec,
    RoutingApiSpec,
    HierarchyApiSpec,
    TeamApiSpec,
    HistoryApiSpec {}

export type Channel = keyof ApiSpec;

export const CHANNELS = [
  ...STATUS_CHANNELS,
  ...LEDGER_CHANNELS,
  ...KEY_CHANNELS,
  ...PROVIDER_CHANNELS,
  ...SETTINGS_CHANNELS,
  ...BUDGET_CHANNELS,
  ...POLLING_CHANNELS,
  ...EXPORT_CHANNELS,
  ...ROUTING_CHANNELS,
  ...HIERARCHY_CHANNELS,
  ...TEAM_CHANNELS,
  ...HISTORY_CHANNELS,
] as const satisfies readonly Channel[];

// Compile-time: every channel of ApiSpec is listed, so the preload and the HTTP API cannot miss one.
type Unlisted = Exclude<Channel, (typeof CHANNELS)[number]>;
export const CHANNELS_COMPLETE: Unlisted extends never ? true : never = true;

export type Input<C extends Channel> = ApiSpec[C]['input'];
export type Output<C extends Channel> = ApiSpec[C]['output'];

/** What the renderer and any other client call. */
export type TollgateApi = { [C in Channel]: (input: Input<C>) => Promise<Output<C>> };

/** A part of the API, implemented by one core module. */
export type ApiPart<S> = { [C in keyof S]: S[C] extends { input: infer I; output: infer O } ? (input: I) => Promise<O> : never };

export interface ApiErrorDto {
  /** e.g. "invalid", "not_found", "unauthorized". */
  code: string;
  message: string;
  /** The input field at fault, when there is one. */
  field?: string;
}

/** Electron's invoke loses error details, so results cross every transport in this envelope. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiErrorDto };

export interface ApiEvents extends LedgerEvents, StatusEvents, BudgetEvents, PollingEvents {}

export type EventName = keyof ApiEvents;
export const EVENT_NAMES = [...LEDGER_EVENTS, ...STATUS_EVENTS, ...BUDGET_EVENTS, ...POLLING_EVENTS] as const satisfies readonly EventName[];
type UnlistedEvent = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
export const EVENTS_COMPLETE: UnlistedEvent extends never ? true : never = true;
