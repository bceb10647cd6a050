import { fork } from 'node:child_process';
import path from 'node:path';

import type { BenchRole, ChildMessage, ParentMessage } from './benchServerProcess.ts';

export interface BenchProcess {
  url: string;
  pid: number;
  /** `process.memoryUsage()` of the process after a forced garbage collection. */
  memory: () => Promise<NodeJS.MemoryUsage>;
  stop: () => Promise<void>;
}

export interface BenchServers {
  sandboxUrl: string;
  /** Base URL of the proxy routes, e.g. `http://127.0.0.1:1234/api/connect`. */
  proxyUrl: string;
  /** The bare `node:http` keep-alive passthrough in front of the same sandbox (the reference line). */
  passthroughUrl: string;
  pids: { sandbox: number; proxy: number; passthrough: number };
  processes: { sandbox: BenchProcess; proxy: BenchProcess; passthrough: BenchProcess };
  stop: () => Promise<void>;
}

/** One bench server in a child process (tsx loader, `--expose-gc`, plus `execArgv`, e.g. `--cpu-prof`). */
export function startBenchProcess(
  role: BenchRole,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<BenchProcess> {
  const child = fork(path.join(import.meta.dirname, 'benchServerProcess.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...execArgv],
    env: { ...process.env, ...env, BENCH_ROLE: role },
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
      const onExit = (code: number | null) => reject(new Error(`bench ${role} process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return next('ready').then(({ url }) => ({
    url,
    pid: child.pid ?? -1,
    memory: async () => {
      const reply = next('memory');
      send({ type: 'memory' });
      return (await reply).memory;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        // Generous: a process started with --cpu-prof writes its profile on the way out.
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        send({ type: 'stop' });
      }),
  }));
}

/**
 * The sandbox, the proxy and the passthrough, each in its own process (the layout partners run: proxy and MX apart).
 * `proxyExecArgv` goes to the proxy only (the bench's `--profile` passes `--cpu-prof`).
 */
export async function startBenchServers(options: {
  secret: string;
  aggregationMs: number;
  proxyExecArgv?: string[];
}): Promise<BenchServers> {
  const sandbox = await startBenchProcess('sandbox', { BENCH_AGGREGATION_MS: String(options.aggregationMs) });
  const [proxy, passthrough] = await Promise.all([
    startBenchProcess(
      'proxy',
      { BENCH_SESSION_SECRET: options.secret, BENCH_UPSTREAM_URL: sandbox.url },
      options.proxyExecArgv,
    ),
    startBenchProcess('passthrough', { BENCH_UPSTREAM_URL: sandbox.url }),
  ]);
  return {
    sandboxUrl: sandbox.url,
    proxyUrl: proxy.url,
    passthroughUrl: passthrough.url,
    pids: { sandbox: sandbox.pid, proxy: proxy.pid, passthrough: passthrough.pid },
    processes: { sandbox, proxy, passthrough },
    stop: async () => {
      await Promise.all([proxy.stop(), passthrough.stop()]);
      await sandbox.stop();
    },
  };
}
