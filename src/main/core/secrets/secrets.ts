/**
 * Encryption at rest for provider and admin keys. Electron's safeStorage implements it in the app;
 * a key file readable only by the user implements it in headless mode.
 */
export interface Secrets {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** In words, for the settings screen: where the protection comes from. */
  readonly description: string;
}
