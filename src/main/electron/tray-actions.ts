import type { TollgateApi } from '../contract/api.js';
import type { TrayAction } from '../core/tray/tray-model.js';
import type { Logger } from '../core/util/log.js';
import { budgetRoute } from './url-policy.js';

/**
 * What a tray click does. Settings change through the same API the dashboard and curl use, so the menu, the
 * dashboard and GET /api/settings.get always agree; the tray then refreshes at once rather than waiting for
 * the throttle.
 */
export function createTrayActions(deps: {
  api: Pick<TollgateApi, 'settings.update' | 'routing.apply' | 'routing.undo'>;
  showWindow: (route?: string) => void;
  copy: (text: string) => void;
  setOpenAtLogin: (enabled: boolean) => void;
  quit: () => void;
  refresh: () => void;
  log: Logger;
}): (action: TrayAction) => void {
  const update = (patch: Parameters<TollgateApi['settings.update']>[0]) =>
    deps.api['settings.update'](patch).then(deps.refresh, (err: unknown) => {
      deps.log.error('could not change a setting from the tray', { error: (err as Error)?.message ?? String(err) });
      deps.refresh();
    });

  return (action) => {
    switch (action.type) {
      case 'open-dashboard':
        deps.showWindow(action.budgetId ? budgetRoute(action.budgetId) : action.view ? `/${action.view}` : undefined);
        return;
      case 'route-tool':
        // A refusal (a malformed or hand-edited file) is explained on the dashboard's Coding tools panel.
        void deps.api[action.undo ? 'routing.undo' : 'routing.apply']({ tool: action.tool }).then(deps.refresh, (err: unknown) => {
          deps.log.warn('could not change routing from the tray', { error: (err as Error)?.message ?? String(err) });
          deps.showWindow('/settings');
          deps.refresh();
        });
        return;
      case 'set-hard-stop':
        void update({ hardStopEnforcement: action.value });
        return;
      case 'set-paused':
        void update({ paused: action.value });
        return;
      case 'copy':
        deps.copy(action.text);
        return;
      case 'set-open-at-login':
        try {
          deps.setOpenAtLogin(action.value);
        } catch (err) {
          deps.log.error('could not change start at login', { error: (err as Error).message });
        }
        deps.refresh();
        return;
      case 'quit':
        deps.quit();
        return;
    }
  };
}
