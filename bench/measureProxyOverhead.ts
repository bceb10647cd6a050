import autocannon from 'autocannon';

import { createMember, credentialsBody, MXBANK, PLAIN_PASSWORD, pollUntilConnected } from './connectFlow.ts';
import { createProxyClient } from './proxyClient.ts';
import { createSandboxUser, proxyHeaders, sandboxHeaders } from './sandboxAccess.ts';
import type { BenchServers } from './startBenchServers.ts';

export interface OverheadSide {
  requestsPerSecond: number;
  meanMs: number;
  /** autocannon records latency in whole milliseconds, so p50/p99 are coarse; the mean is not. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}
export interface OverheadResult {
  connections: number;
  durationSeconds: number;
  mix: string[];
  direct: OverheadSide;
  proxy: OverheadSide;
  /** The proxy with the sandbox in memory: how much of the overhead is the proxy's own work vs the HTTP hop. */
  proxyInMemoryUpstream: OverheadSide;
}

type Mix = { method: 'GET'; path: string; headers: Record<string, string> }[];

async function run(url: string, requests: Mix, connections: number, duration: number): Promise<OverheadSide> {
  const result = await autocannon({ url, connections, duration, requests, pipelining: 1 });
  return {
    requestsPerSecond: result.requests.average,
    meanMs: result.latency.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * The same three calls (institution search, credentials, member status) made directly to the sandbox and through
 * the proxy (which authenticates, validates, rate-limits and forwards over loopback), with autocannon.
 */
export async function measureProxyOverhead(
  servers: BenchServers,
  issueToken: (userGuid: string) => Promise<string>,
  options: { connections: number; durationSeconds: number },
): Promise<OverheadResult> {
  const user = await createSandboxUser(servers.sandboxUrl);
  const token = await issueToken(user);
  const client = createProxyClient(servers.proxyUrl, token);
  const member = await createMember(client, await credentialsBody(client, MXBANK, PLAIN_PASSWORD));
  await pollUntilConnected(client, member, { intervalMs: 100, timeoutMs: 10_000 });

  const mix = ['/institutions?name=MX%20Bank&page=1&records_per_page=25', `/institutions/${MXBANK}/credentials`];
  const direct: Mix = [
    ...mix.map((path) => ({ method: 'GET' as const, path, headers: sandboxHeaders() })),
    { method: 'GET', path: `/users/${user}/members/${member}/status`, headers: sandboxHeaders() },
  ];
  const proxyPath = new URL(servers.proxyUrl).pathname;
  const viaProxy: Mix = [
    ...mix.map((path) => ({ method: 'GET' as const, path: `${proxyPath}${path}`, headers: proxyHeaders(token) })),
    { method: 'GET', path: `${proxyPath}/members/${member}/status`, headers: proxyHeaders(token) },
  ];
  const { connections, durationSeconds } = options;
  // Warm both paths (JIT, keep-alive pools) so neither side pays for starting first.
  await run(servers.sandboxUrl, direct, connections, 1);
  await run(servers.proxyUrl, viaProxy, connections, 1);
  await run(servers.inMemoryProxyUrl, viaProxy, connections, 1);
  return {
    connections,
    durationSeconds,
    mix: ['GET /institutions?name=MX Bank', 'GET /institutions/mxbank/credentials', 'GET /members/:guid/status'],
    direct: await run(servers.sandboxUrl, direct, connections, durationSeconds),
    proxy: await run(servers.proxyUrl, viaProxy, connections, durationSeconds),
    proxyInMemoryUpstream: await run(servers.inMemoryProxyUrl, viaProxy, connections, durationSeconds),
  };
}
