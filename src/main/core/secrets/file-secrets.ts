import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Secrets } from './secrets.js';

const KEY_FILE = 'secret.key';

/**
 * Headless mode has no OS keychain, so provider keys are sealed with AES-256-GCM under a random key kept in
 * `secret.key` (mode 0600) beside the data. Anyone who can read that file as this user can read the keys;
 * the README says so.
 */
export function createFileSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, KEY_FILE);
  let key: Buffer | null = null;
  const getKey = () => {
    if (key) return key;
    try {
      key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
      if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fs.mkdirSync(dataDir, { recursive: true });
      key = randomBytes(32);
      // wx: never overwrite a key another process just wrote; that would orphan its sealed secrets.
      try {
        fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        key = null;
        return getKey();
      }
    }
    return key;
  };
  return {
    description: `encrypted with a key in ${file}, readable only by this user`,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', getKey(), iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ct.toString('base64')}`;
    },
    decrypt(sealed) {
      const [v, iv, tag, ct] = sealed.split(':');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', getKey(), Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
