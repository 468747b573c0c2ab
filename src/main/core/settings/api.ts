import type { SettingsApiSpec } from '../../contract/api.js';
import type { Settings } from '../../contract/settings.js';
import { schemaApi } from '../util/schema.js';
import { settingsSchemas } from './schemas.js';
import { applySettingsPatch } from './settings.js';

export interface SettingsAccess {
  settings: () => Settings;
  /** Stores whole, already validated settings and tells whoever depends on them. */
  updateSettings: (next: Settings) => void;
}

export function createSettingsApi(d: SettingsAccess) {
  return schemaApi<SettingsApiSpec>()(settingsSchemas, {
    'settings.get': async () => d.settings(),
    'settings.update': async (patch) => {
      // The schema checked the shape; applySettingsPatch adds what needs the current settings (tier order,
      // built-in upstream ids, URL rules) and is what stored settings are loaded through too.
      const next = applySettingsPatch(d.settings(), patch);
      d.updateSettings(next);
      return next;
    },
  });
}
