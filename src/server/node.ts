// Entry `member-connect/server/node`: Node-only additions to `member-connect/server` (kept apart so that edge runtimes
// never load `node:http`).
export { createNodeTransport } from './proxy/nodeTransport.ts';
export type { NodeTransport, NodeTransportOptions } from './proxy/nodeTransport.ts';
