/** Wrapped keys' part of the contract. */
import type { CreateKeyInput, KeyDto, UpdateKeyInput } from './keys.js';

export interface KeysApiSpec {
  'keys.list': { input: void; output: KeyDto[] };
  'keys.create': { input: CreateKeyInput; output: { key: KeyDto; secret: string } };
  'keys.update': { input: UpdateKeyInput; output: KeyDto };
  'keys.revoke': { input: { id: string }; output: KeyDto };
}

export const KEY_CHANNELS = ['keys.list', 'keys.create', 'keys.update', 'keys.revoke'] as const satisfies readonly (keyof KeysApiSpec)[];
