import autocannon from 'autocannon';

import { createMember, credentialsBody, MXBANK, PLAIN_PASSWORD, pollUntilConnected } from './connectFlow.ts';
import { processCpuMicros, runQueueWaitMicros } from './processCpu.ts';
import { createProxyClient } from './proxyClient.ts';
import { createSandboxUser, proxyHeaders, sandboxHeaders } from './sandboxAccess.ts';
import type { BenchServers } from './startBenchServers.ts';
import { median, percentile } from './stats.ts';

/** One autocannon run against one target. */
export interface OverheadSample {
  requestsPerSecond: number;
  /** From every response's own time (autocannon measures each with hrtime; its summary rounds to whole ms). */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Little's law: with every connection always waiting on one request, the mean must be connections / throughput. */
  littleMeanMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU time per request of each measured server process (µs), from /proc/<pid>/stat before and after. */
  cpuMicrosPerRequest: Record<string, number>;
  /** Share of the run each measured process's main thread spent runnable but waiting for a core (`/proc/<pid>/schedstat`). */
  waitingForCoreShare: Record<string, number>;
}

/** The median of each figure over the rounds of one target. */
export type OverheadSide = OverheadSample & { rounds: number };

export interface OverheadTarget {
  name: string;
  url: string;
  requests: { method: 'GET'; path: string; headers: Record<string, string> }[];
  /** Server processes whose CPU is read around each run, by label. */
  pids: Record<string, number>;
}

export interface OverheadResult {
  connections: number;
  durationSeconds: number;
  rounds: number;
  mix: string[];
  sides: Record<string, OverheadSide>;
  samples: Record<string, OverheadSample[]>;
}

async function runOnce(target: OverheadTarget, connections: number, duration: number): Promise<OverheadSample> {
  const times: number[] = [];
  const cpuBefore = Object.fromEntries(
    Object.entries(target.pids).map(([label, pid]) => [label, processCpuMicros(pid)]),
  );
  const waitBefore = Object.fromEntries(
    Object.entries(target.pids).map(([label, pid]) => [label, runQueueWaitMicros(pid)]),
  );
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: target.url, connections, duration, requests: target.requests, pipelining: 1 },
      (error, r) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(r)),
    );
    // Every response's time as autocannon measured it (hrtime, fractional ms), before its histogram rounds it.
    instance.on('response', (_client, _status, _bytes, ms) => {
      times.push(ms);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(times).sort();
  const requestsPerSecond = times.length / seconds;
  const cpuMicrosPerRequest = Object.fromEntries(
    Object.entries(target.pids).map(([label, pid]) => [
      label,
      (processCpuMicros(pid) - (cpuBefore[label] ?? 0)) / Math.max(1, times.length),
    ]),
  );
  const waitingForCoreShare = Object.fromEntries(
    Object.entries(target.pids).map(([label, pid]) => [
      label,
      (runQueueWaitMicros(pid) - (waitBefore[label] ?? 0)) / (seconds * 1e6),
    ]),
  );
  return {
    requestsPerSecond,
    waitingForCoreShare,
    meanMs: sorted.reduce((s, t) => s + t, 0) / Math.max(1, sorted.length),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    littleMeanMs: (connections / requestsPerSecond) * 1000,
    requests: times.length,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMicrosPerRequest,
  };
}

function medianSide(samples: OverheadSample[]): OverheadSide {
  const m = (pick: (s: OverheadSample) => number) => median(samples.map(pick));
  const labels = Object.keys(samples[0]?.cpuMicrosPerRequest ?? {});
  return {
    rounds: samples.length,
    requestsPerSecond: m((s) => s.requestsPerSecond),
    meanMs: m((s) => s.meanMs),
    p50Ms: m((s) => s.p50Ms),
    p99Ms: m((s) => s.p99Ms),
    littleMeanMs: m((s) => s.littleMeanMs),
    requests: samples.reduce((a, s) => a + s.requests, 0),
    non2xx: samples.reduce((a, s) => a + s.non2xx, 0),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    cpuMicrosPerRequest: Object.fromEntries(labels.map((l) => [l, m((s) => s.cpuMicrosPerRequest[l] ?? NaN)])),
    waitingForCoreShare: Object.fromEntries(labels.map((l) => [l, m((s) => s.waitingForCoreShare[l] ?? NaN)])),
  };
}

/**
 * Runs every target `rounds` times, interleaved (round r starts with target r mod n, so no target always runs first
 * or last while the machine warms up or gets busy), and keeps the median of each figure.
 */
export async function compareTargets(
  targets: OverheadTarget[],
  options: { connections: number; durationSeconds: number; rounds: number },
): Promise<{ sides: Record<string, OverheadSide>; samples: Record<string, OverheadSample[]> }> {
  // Warm every path (JIT, keep-alive pools) so none pays for starting first.
  for (const t of targets) await runOnce(t, options.connections, 1);
  const samples: Record<string, OverheadSample[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(round + i) % targets.length] as OverheadTarget;
      samples[target.name]?.push(await runOnce(target, options.connections, options.durationSeconds));
    }
  }
  const sides = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, medianSide(s)]));
  return { sides, samples };
}

/**
 * The same three calls (institution search, credentials, member status) made directly to the sandbox, through the
 * bare passthrough (the same sandbox requests, forwarded unchanged) and through the proxy (which authenticates,
 * validates, rate-limits and forwards over loopback), with autocannon. Each server runs in its own process.
 */
export async function measureProxyOverhead(
  servers: BenchServers,
  issueToken: (userGuid: string) => Promise<string>,
  options: { connections: number; durationSeconds: number; rounds: number },
): Promise<OverheadResult> {
  const user = await createSandboxUser(servers.sandboxUrl);
  const token = await issueToken(user);
  const client = createProxyClient(servers.proxyUrl, token);
  const member = await createMember(client, await credentialsBody(client, MXBANK, PLAIN_PASSWORD));
  await pollUntilConnected(client, member, { intervalMs: 100, timeoutMs: 10_000 });

  const mix = ['/institutions?name=MX%20Bank&page=1&records_per_page=25', `/institutions/${MXBANK}/credentials`];
  const direct: OverheadTarget['requests'] = [
    ...mix.map((path) => ({ method: 'GET' as const, path, headers: sandboxHeaders() })),
    { method: 'GET', path: `/users/${user}/members/${member}/status`, headers: sandboxHeaders() },
  ];
  const proxyPath = new URL(servers.proxyUrl).pathname;
  const viaProxy: OverheadTarget['requests'] = [
    ...mix.map((path) => ({ method: 'GET' as const, path: `${proxyPath}${path}`, headers: proxyHeaders(token) })),
    { method: 'GET', path: `${proxyPath}/members/${member}/status`, headers: proxyHeaders(token) },
  ];
  const { pids } = servers;
  const { sides, samples } = await compareTargets(
    [
      { name: 'direct', url: servers.sandboxUrl, requests: direct, pids: { sandbox: pids.sandbox } },
      {
        name: 'passthrough',
        url: servers.passthroughUrl,
        requests: direct,
        pids: { hop: pids.passthrough, sandbox: pids.sandbox },
      },
      { name: 'proxy', url: servers.proxyUrl, requests: viaProxy, pids: { hop: pids.proxy, sandbox: pids.sandbox } },
    ],
    options,
  );
  return {
    ...options,
    mix: ['GET /institutions?name=MX Bank', 'GET /institutions/mxbank/credentials', 'GET /members/:guid/status'],
    sides,
    samples,
  };
}
