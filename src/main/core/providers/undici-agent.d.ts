/**
 * undici's Agent on its own: the package's index loads fetch, WebSocket, caches and mocks as well (about 1.8 MB
 * more of heap for the life of the process), none of which Tollgate uses. The package declares no exports map,
 * so the file is importable; its class is the one `undici` exports.
 */
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}
