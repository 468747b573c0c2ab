import { app, session, shell } from 'electron';
import type { Logger } from '../core/util/log.js';
import type { UrlPolicy } from './url-policy.js';

/**
 * Electron's security checklist, applied to every session and web contents the app ever creates: no permission
 * is ever granted, nothing remote is loaded, every response carries a strict CSP (the page's own meta tag covers
 * file://, which has no headers), navigation away from the dashboard and new windows are refused, and webviews
 * cannot be attached. Links to https pages open in the default browser instead.
 */
export function hardenApp(deps: { policy: UrlPolicy; log: Logger }): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    deps.log.info('denied a permission request', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = deps.policy.isAllowedRequest(details.url);
    if (!allowed) deps.log.warn('blocked a request from the window', { url: details.url.slice(0, 200) });
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [deps.policy.csp] } });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!deps.policy.isAppPage(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!deps.policy.isAppPage(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
