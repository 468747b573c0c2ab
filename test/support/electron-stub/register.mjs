/**
 * `node --import ./test/support/electron-stub/register.mjs out/main/index.js` runs the built Electron main
 * bundle in plain Node, with `electron` resolved to the recording stub beside this file (the
 * bundle is ESM, so a resolve hook registered with module.register catches its imports, electron-store's too).
 */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
