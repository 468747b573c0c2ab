/**
 * The two IPC messages main sends to the window besides invoke replies. Shared by src/main/electron/ipc.ts and
 * the preload so their names cannot drift. Core events arrive as (name, payload); navigation as a hash route.
 */
export const IPC_EVENT = 'tollgate:event';
export const IPC_NAVIGATE = 'tollgate:navigate';
