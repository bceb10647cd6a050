import {
  createMember,
  credentialsBody,
  MFA_PASSWORD,
  MXBANK,
  PLAIN_PASSWORD,
  pollUntilConnected,
} from './connectFlow.ts';
import { createProxyClient } from './proxyClient.ts';
import { createSandboxUser } from './sandboxAccess.ts';
import type { BenchServers } from './startBenchServers.ts';
import type { Summary } from './stats.ts';
import { summarize } from './stats.ts';

export interface MemorySnapshot {
  rssMB: number;
  heapUsedMB: number;
}
export interface LoadResult {
  concurrency: number;
  durationSeconds: number;
  elapsedSeconds: number;
  flowsCompleted: number;
  flowsWithMfa: number;
  flowsPerSecond: number;
  proxyRequests: number;
  proxyRequestsPerSecond: number;
  flowMs: Summary;
  errors: number;
  errorSamples: string[];
  memoryBefore: MemorySnapshot;
  memoryAfter: MemorySnapshot;
}

const mb = (m: NodeJS.MemoryUsage): MemorySnapshot => ({
  rssMB: Math.round((m.rss / 2 ** 20) * 10) / 10,
  heapUsedMB: Math.round((m.heapUsed / 2 ** 20) * 10) / 10,
});

/**
 * `concurrency` simulated users run complete connect flows back to back (partner backend creates the MX user, then
 * through the proxy: search → credentials → create member → poll status every `pollMs` → MFA when asked →
 * connected) until `durationSeconds` have passed; flows already started finish (each is bounded by a timeout).
 * Every second flow goes through MFA. Memory is read from the server process after a forced GC.
 */
export async function measureLoad(
  servers: BenchServers,
  issueToken: (userGuid: string) => Promise<string>,
  options: { concurrency: number; durationSeconds: number; pollMs: number; flowTimeoutMs: number },
): Promise<LoadResult> {
  const memoryBefore = mb(await servers.memory());
  const started = Date.now();
  const stopAt = started + options.durationSeconds * 1000;
  const flowMs: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let proxyRequests = 0;
  let flowsWithMfa = 0;
  let flowNumber = 0;

  const oneFlow = async () => {
    const mfa = flowNumber++ % 2 === 1;
    const t0 = Date.now();
    const token = await issueToken(await createSandboxUser(servers.sandboxUrl));
    const client = createProxyClient(servers.proxyUrl, token);
    try {
      await client.call('GET', '/institutions?name=MX%20Bank&page=1&records_per_page=25');
      const body = await credentialsBody(client, MXBANK, mfa ? MFA_PASSWORD : PLAIN_PASSWORD);
      const member = await createMember(client, body);
      await pollUntilConnected(client, member, { intervalMs: options.pollMs, timeoutMs: options.flowTimeoutMs });
      flowMs.push(Date.now() - t0);
      if (mfa) flowsWithMfa++;
    } finally {
      for (const n of client.counts.values()) proxyRequests += n;
    }
  };

  const virtualUser = async () => {
    while (Date.now() < stopAt) {
      try {
        await oneFlow();
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, virtualUser));
  const elapsedSeconds = (Date.now() - started) / 1000;
  const memoryAfter = mb(await servers.memory());
  return {
    concurrency: options.concurrency,
    durationSeconds: options.durationSeconds,
    elapsedSeconds,
    flowsCompleted: flowMs.length,
    flowsWithMfa,
    flowsPerSecond: flowMs.length / elapsedSeconds,
    proxyRequests,
    proxyRequestsPerSecond: proxyRequests / elapsedSeconds,
    flowMs: summarize(flowMs),
    errors,
    errorSamples,
    memoryBefore,
    memoryAfter,
  };
}
