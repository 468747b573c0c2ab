import { safeStorage } from 'electron';
import type { Secrets } from '../core/secrets/secrets.js';

/** Provider keys sealed by the OS keychain (Keychain, DPAPI, libsecret) through Electron's safeStorage. */
export function createSafeStorageSecrets(): Secrets {
  return {
    description: 'encrypted with the operating system\'s keychain (Electron safeStorage)',
    encrypt: (plain) => 'ss1:' + safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => {
      if (!sealed.startsWith('ss1:')) throw new Error('not a safeStorage secret');
      return safeStorage.decryptString(Buffer.from(sealed.slice(4), 'base64'));
    },
  };
}
