import { fork } from 'node:child_process';
import path from 'node:path';

import type { ChildMessage, ParentMessage } from './benchServerProcess.ts';

export interface BenchServers {
  sandboxUrl: string;
  /** Base URL of the proxy routes, e.g. `http://127.0.0.1:1234/api/connect`. */
  proxyUrl: string;
  /** The same proxy with the sandbox called in memory instead of over HTTP (overhead breakdown only). */
  inMemoryProxyUrl: string;
  /** `process.memoryUsage()` of the server process after a forced garbage collection. */
  memory: () => Promise<NodeJS.MemoryUsage>;
  pid: number;
  stop: () => Promise<void>;
}

/** Starts sandbox + proxy in a child process (tsx loader, `--expose-gc`). */
export function startBenchServers(options: { secret: string; aggregationMs: number }): Promise<BenchServers> {
  const child = fork(path.join(import.meta.dirname, 'benchServerProcess.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: {
      ...process.env,
      BENCH_SESSION_SECRET: options.secret,
      BENCH_AGGREGATION_MS: String(options.aggregationMs),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (m: ParentMessage) => child.send(m);
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (m: ChildMessage) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`bench server process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return next('ready').then(({ sandboxUrl, proxyUrl, inMemoryProxyUrl }) => ({
    sandboxUrl,
    proxyUrl,
    inMemoryProxyUrl,
    pid: child.pid ?? -1,
    memory: async () => {
      const reply = next('memory');
      send({ type: 'memory' });
      return (await reply).memory;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        send({ type: 'stop' });
      }),
  }));
}
