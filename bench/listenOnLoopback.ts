import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FetchApp } from '../src/server/node.ts';
import { toNodeHandler } from '../src/server/node.ts';

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close: () => Promise<void>;
}

// Set deliberately, as docs/proxy.md ("Under load") tells partners: at least the connections that may open at once. The
// overload run opens about 2,000 within a second; at 1,024 the kernel's accept queue overflowed (1,428 overflows in one
// run, `nstat TcpExtListenOverflows`), and a dropped handshake is retried a second or more later. 4,096 is Linux's cap
// (`net.core.somaxconn`); the same runs saw none.
const LISTEN_BACKLOG = 4096;

/**
 * Serves a fetch-style app on 127.0.0.1 with a free port, the way a partner backend runs it on Node: on `node:http`
 * through member-connect/node's `toNodeHandler`.
 */
export function listenOnLoopback(app: FetchApp): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = createServer(toNodeHandler(app));
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
