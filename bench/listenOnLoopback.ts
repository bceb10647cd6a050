import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createAdaptorServer } from '@hono/node-server';

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close: () => Promise<void>;
}

// Set deliberately, as docs/proxy.md ("Under load") tells partners: at least the proxy's maxInFlight (1,024), so the
// load runs' bursts of new connections reach the proxy (and its load shedding) instead of the kernel dropping them.
const LISTEN_BACKLOG = 1024;

/** Serves a fetch handler on 127.0.0.1 with a free port, the way a partner backend would run it on Node. */
export function listenOnLoopback(fetch: (request: Request) => Response | Promise<Response>): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch }) as Server;
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets of a load generator would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
