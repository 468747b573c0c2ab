/**
 * Native menus read "&" as a mnemonic marker and drop it (on every platform: electron/electron#9584, #9978), so
 * "R&D" would show as "RD". "&&" shows one "&". Plain Node, so it is tested without Electron.
 */
export const menuLabel = (text: string): string => text.replace(/&/g, '&&');
