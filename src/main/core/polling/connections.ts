import type { ConnectionState, SaveConnectionInput, UsageConnectionDto } from '../../contract/polling.js';
import {
  optionalString,
  requireBoolean,
  requireHttpUrl,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
  ValidationError,
} from '../util/validation.js';
import { DEFAULT_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES } from './backoff.js';
import type { UsageErrorKind } from './provider-client.js';
import type { ProviderKeyInfo, ProviderLimits, UsageSource } from './types.js';

export interface StoredConnection {
  id: string;
  provider: string;
  name: string;
  /** The admin key, sealed by the Secrets port. Never stored or logged in the clear. */
  sealedKey: string;
  keyLabel: string;
  baseUrl: string | null;
  intervalMinutes: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  state: ConnectionState;
  lastError: string | null;
  lastErrorKind: UsageErrorKind | null;
  lastAttemptAt: number | null;
  asOf: number | null;
  nextPollAt: number | null;
  consecutiveFailures: number;
  /** Set once the failure streak was announced, so the tray notifies once per streak. */
  failureAnnounced: boolean;
  lastFullAt: number | null;
  coveredFrom: number | null;
  keys: ProviderKeyInfo[];
  keyListError: string | null;
  limits: (ProviderLimits & { asOf: number }) | null;
}

export interface ValidatedSave {
  id: string | null;
  provider: string;
  name: string | null;
  adminKey: string | null;
  intervalMinutes: number | null;
  baseUrl: string | null | undefined;
  enabled: boolean | null;
}

/** Validates usage.connections.save input; errors name the field. */
export function validateSave(raw: unknown, sources: readonly UsageSource[]): ValidatedSave {
  const o = requireObject(raw, 'connection') as Record<string, unknown> & Partial<SaveConnectionInput>;
  const id = o.id === undefined ? null : requireString(o.id, 'id', { max: 100 });
  const provider = requireOneOf(o.provider, 'provider', sources.map((s) => s.id));
  const source = sources.find((s) => s.id === provider)!;
  let adminKey: string | null = null;
  if (o.adminKey !== undefined && o.adminKey !== null && o.adminKey !== '') {
    adminKey = requireString(o.adminKey, 'adminKey', { max: 4000 });
    checkKey(adminKey, source);
  } else if (id === null) {
    throw new ValidationError('adminKey', `is required: paste ${source.keyHint}`);
  }
  let intervalMinutes: number | null = null;
  if (o.intervalMinutes !== undefined) {
    if (typeof o.intervalMinutes === 'number' && o.intervalMinutes < 1) {
      throw new ValidationError('intervalMinutes', 'must be at least 1: Tollgate polls a provider at most once a minute');
    }
    intervalMinutes = requireNumber(o.intervalMinutes, 'intervalMinutes', { min: 1, max: MAX_INTERVAL_MINUTES });
  }
  const baseUrl = o.baseUrl === undefined ? undefined : o.baseUrl === null || o.baseUrl === '' ? null : requireHttpUrl(o.baseUrl, 'baseUrl');
  return {
    id,
    provider,
    name: optionalString(o.name, 'name', { max: 100 }),
    adminKey,
    intervalMinutes,
    baseUrl,
    enabled: o.enabled === undefined ? null : requireBoolean(o.enabled, 'enabled'),
  };
}

export function checkKey(secret: string, source: UsageSource): void {
  if (/\s/.test(secret)) throw new ValidationError('adminKey', 'must not contain spaces or line breaks');
  if (secret.startsWith('tg_')) throw new ValidationError('adminKey', `is a Tollgate key; paste ${source.keyHint}`);
  const problem = source.checkKey(secret);
  if (problem) throw new ValidationError('adminKey', problem);
}

export function newConnection(fields: Pick<StoredConnection, 'id' | 'provider' | 'name' | 'sealedKey' | 'keyLabel' | 'baseUrl' | 'enabled'> & { now: number; intervalMinutes: number | null }): StoredConnection {
  return {
    id: fields.id,
    provider: fields.provider,
    name: fields.name,
    sealedKey: fields.sealedKey,
    keyLabel: fields.keyLabel,
    baseUrl: fields.baseUrl,
    intervalMinutes: fields.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES,
    enabled: fields.enabled,
    createdAt: fields.now,
    updatedAt: fields.now,
    ...freshPollState(),
    keys: [],
    keyListError: null,
    limits: null,
  };
}

/** What a new key starts from: no error, no rejection, poll at once. */
export function freshPollState(): Pick<
  StoredConnection,
  'state' | 'lastError' | 'lastErrorKind' | 'lastAttemptAt' | 'nextPollAt' | 'consecutiveFailures' | 'failureAnnounced' | 'asOf' | 'lastFullAt' | 'coveredFrom'
> {
  return {
    state: 'pending',
    lastError: null,
    lastErrorKind: null,
    lastAttemptAt: null,
    nextPollAt: null,
    consecutiveFailures: 0,
    failureAnnounced: false,
    asOf: null,
    lastFullAt: null,
    coveredFrom: null,
  };
}

export const formatTime = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** Ends a provider's message with one full stop: many already end in one ("…process your request."). */
const sentence = (s: string | null) => (s === null ? '' : /[.!?…]\s*$/.test(s) ? s.trimEnd() : `${s}.`);

export function statusText(c: StoredConnection, source: UsageSource): string {
  switch (c.state) {
    case 'pending':
      return 'Not polled yet.';
    case 'disabled':
      return 'Polling is switched off.';
    case 'rejected':
      return `admin key rejected: ${sentence(c.lastErrorKind === 'rejected' ? `${source.name} answered ${c.lastError}` : c.lastError)} Polling has stopped until the key is replaced (${source.keyHint}).`;
    case 'retrying':
      return `${source.name} polling failed ${c.consecutiveFailures === 1 ? 'once' : `${c.consecutiveFailures} times in a row`}: ${sentence(c.lastError)}${c.nextPollAt ? ` Trying again at ${formatTime(c.nextPollAt)}.` : ''}`;
    case 'ok':
      return `Up to date: ${source.name}'s figures are as of ${formatTime(c.asOf ?? c.updatedAt)}.${c.keyListError ? ` Key names unavailable: ${sentence(c.keyListError)}` : ''}`;
  }
}

export function connectionDto(c: StoredConnection, source: UsageSource, effectiveBaseUrl: string): UsageConnectionDto {
  return {
    id: c.id,
    provider: c.provider,
    providerName: source.name,
    name: c.name,
    keyLabel: c.keyLabel,
    baseUrl: effectiveBaseUrl,
    baseUrlOverride: c.baseUrl,
    intervalMinutes: c.intervalMinutes,
    enabled: c.enabled,
    state: c.state,
    status: statusText(c, source),
    lastAttemptAt: c.lastAttemptAt,
    asOf: c.asOf,
    nextPollAt: c.nextPollAt,
    consecutiveFailures: c.consecutiveFailures,
    lastError: c.lastError,
    coveredFrom: c.coveredFrom,
    keysKnown: c.keys.length,
    keyListError: c.keyListError,
    limits: c.limits,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
