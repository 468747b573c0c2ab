import path from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { IconState, MenuItemModel, TrayAction, TrayModel } from '../core/tray/tray-model.js';
import { menuLabel } from './menu-label.js';

/** macOS draws template images in the menu bar's own colour; elsewhere the coloured icons show the state. */
export function trayIconFile(resourcesDir: string, state: IconState, platform: NodeJS.Platform): string {
  return path.join(resourcesDir, 'tray', platform === 'darwin' ? `${state}Template.png` : `${state}.png`);
}

export interface TrayController {
  update(model: TrayModel): void;
  destroy(): void;
  readonly stats: { menus: number; icons: number };
}

/**
 * Draws a TrayModel (core/tray/tray-model.ts) on the native tray. Icon, tooltip and menu are each replaced only
 * when they changed, so a new model that differs only in the tooltip does not rebuild the menu.
 */
export function createTrayController(opts: {
  resourcesDir: string;
  platform: NodeJS.Platform;
  dispatch: (action: TrayAction) => void;
}): TrayController {
  const images = new Map<IconState, NativeImage>();
  const image = (state: IconState) => {
    let img = images.get(state);
    if (!img) {
      // createFromPath picks up the @2x file beside it for high-density screens.
      img = nativeImage.createFromPath(trayIconFile(opts.resourcesDir, state, opts.platform));
      images.set(state, img);
    }
    return img;
  };
  const tray = new Tray(image('normal'));
  tray.setToolTip('Tollgate');
  if (opts.platform === 'win32') {
    // Windows users expect a left click on a tray icon to open the app; the menu stays on the right click.
    tray.on('click', () => opts.dispatch({ type: 'open-dashboard' }));
  }
  let icon: IconState = 'normal';
  let tooltip = '';
  let menuJson = '';
  const stats = { menus: 0, icons: 0 };

  const toTemplate = (items: MenuItemModel[]): MenuItemConstructorOptions[] =>
    items.map((item): MenuItemConstructorOptions => {
      switch (item.kind) {
        case 'separator':
          return { type: 'separator' };
        case 'submenu':
          return { label: menuLabel(item.label), submenu: toTemplate(item.items) };
        case 'checkbox': {
          const action = item.action;
          return { type: 'checkbox', label: menuLabel(item.label), checked: item.checked, click: () => opts.dispatch(action) };
        }
        case 'label': {
          const action = item.action;
          const label = menuLabel(item.label);
          return action ? { label, click: () => opts.dispatch(action) } : { label, enabled: false };
        }
      }
    });

  return {
    update(model) {
      if (model.icon !== icon) {
        icon = model.icon;
        tray.setImage(image(model.icon));
        stats.icons++;
      }
      if (model.tooltip !== tooltip) {
        tooltip = model.tooltip;
        tray.setToolTip(model.tooltip);
      }
      const json = JSON.stringify(model.menu);
      if (json !== menuJson) {
        menuJson = json;
        tray.setContextMenu(Menu.buildFromTemplate(toTemplate(model.menu)));
        stats.menus++;
      }
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy();
    },
    stats,
  };
}
