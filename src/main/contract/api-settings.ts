/** Settings' part of the contract. */
import type { Settings } from './settings.js';

export interface SettingsApiSpec {
  'settings.get': { input: void; output: Settings };
  'settings.update': { input: Partial<Settings>; output: Settings };
}

export const SETTINGS_CHANNELS = ['settings.get', 'settings.update'] as const satisfies readonly (keyof SettingsApiSpec)[];
