import {
  createMember,
  credentialsBody,
  MFA_PASSWORD,
  MXBANK,
  PLAIN_PASSWORD,
  pollUntilConnected,
  sleep,
} from './connectFlow.ts';
import { processCpuMicros, runQueueWaitMicros } from './processCpu.ts';
import { BenchHttpError, BenchNetworkError, createProxyClient } from './proxyClient.ts';
import { createSandboxUser } from './sandboxAccess.ts';
import type { BenchServers } from './startBenchServers.ts';
import type { Summary } from './stats.ts';
import { summarize } from './stats.ts';

export interface LoadOptions {
  /** Simulated people, each running connect flows back to back. */
  concurrency: number;
  /** No flow starts after this; flows under way get `graceSeconds` more, then are cut (not counted as errors). */
  durationSeconds: number;
  graceSeconds: number;
  /** Starts are spread evenly over this long: people do not all click in the same millisecond. */
  rampSeconds: number;
  /** Pause between a person's steps (search → open the bank → submit), standing for reading and typing. */
  thinkMs: number;
  pollMs: number;
  /** A client gives up on one request after this long (longer than the proxy's own 10 s upstream deadline). */
  requestTimeoutMs: number;
  flowTimeoutMs: number;
}

export interface MemorySnapshot {
  rssMB: number;
  heapUsedMB: number;
}
export interface LoadResult extends LoadOptions {
  elapsedSeconds: number;
  flowsStarted: number;
  flowsCompleted: number;
  flowsWithMfa: number;
  flowsCut: number;
  flowsPerSecond: number;
  proxyRequests: number;
  proxyRequestsPerSecond: number;
  flowMs: Summary;
  /** Flows that failed, by the kind of their first failure (`HTTP 504`, `HTTP 503 + Retry-After`, `ECONNRESET`, …). */
  errors: number;
  errorsByKind: Record<string, number>;
  errorSamples: string[];
  /** From the start of the run to the first failed flow, in ms; null when none failed. */
  firstErrorAfterMs: number | null;
  /** How long failed requests took to fail, in ms: shedding answers at once, a timeout after seconds. */
  failedRequestMs: Summary;
  /** 503 answers, and how many of them carried Retry-After. */
  shed: { status503: number; withRetryAfter: number };
  proxyCpuMicrosPerRequest: number;
  /** CPU time used during the run, as a share of one core: who was busy (the machine has few cores). */
  cpuShareOfOneCore: Record<'proxy' | 'sandbox' | 'loadGenerator', number>;
  /** Share of the run each main thread spent runnable but waiting for a core (the machine's contention). */
  waitingForCoreShare: Record<'proxy' | 'sandbox' | 'loadGenerator', number>;
  memory: Record<'proxy' | 'sandbox', { before: MemorySnapshot; after: MemorySnapshot }>;
}

const mb = (m: NodeJS.MemoryUsage): MemorySnapshot => ({
  rssMB: Math.round((m.rss / 2 ** 20) * 10) / 10,
  heapUsedMB: Math.round((m.heapUsed / 2 ** 20) * 10) / 10,
});

function kindOf(error: unknown): string {
  if (error instanceof BenchHttpError)
    return `HTTP ${error.status}${error.retryAfter === null ? '' : ' + Retry-After'}`;
  if (error instanceof BenchNetworkError) return error.kind;
  const message = error instanceof Error ? error.message : String(error);
  // Flow-level failures (`member ended DENIED`, `not connected after 30000 ms`, `POST /users answered 500`).
  return message.replace(/[0-9a-f]{8,}|MBR-[\w-]+|USR-[\w-]+/gi, '…').slice(0, 80);
}

/**
 * `concurrency` simulated people run complete connect flows back to back, through the proxy process to the sandbox
 * process on loopback: the partner backend creates the MX user and issues a session token; then search, think,
 * credentials, think, create member, poll the status every `pollMs` (answering MFA on every second flow) until
 * connected. It stops by itself: no flow starts after `durationSeconds`, and what is still running `graceSeconds`
 * later is aborted. Every failure is counted by kind, with how long the failing request took.
 */
export async function measureLoad(
  servers: BenchServers,
  issueToken: (userGuid: string) => Promise<string>,
  options: LoadOptions,
): Promise<LoadResult> {
  const { proxy, sandbox } = servers.processes;
  const before = { proxy: mb(await proxy.memory()), sandbox: mb(await sandbox.memory()) };
  const pids = { proxy: proxy.pid, sandbox: sandbox.pid, loadGenerator: process.pid };
  const cpuBefore = {
    proxy: processCpuMicros(proxy.pid),
    sandbox: processCpuMicros(sandbox.pid),
    loadGenerator: processCpuMicros(process.pid),
  };
  const waitBefore = {
    proxy: runQueueWaitMicros(pids.proxy),
    sandbox: runQueueWaitMicros(pids.sandbox),
    loadGenerator: runQueueWaitMicros(pids.loadGenerator),
  };
  const stop = new AbortController();
  const started = performance.now();
  const stopAt = started + options.durationSeconds * 1000;
  const cutTimer = setTimeout(() => stop.abort(), (options.durationSeconds + options.graceSeconds) * 1000);

  const flowMs: number[] = [];
  const failedRequestMs: number[] = [];
  const errorsByKind: Record<string, number> = {};
  const errorSamples: string[] = [];
  const shed = { status503: 0, withRetryAfter: 0 };
  let firstErrorAfterMs: number | null = null;
  let errors = 0;
  let proxyRequests = 0;
  let flowsWithMfa = 0;
  let flowsStarted = 0;
  let flowsCut = 0;

  const oneFlow = async () => {
    const mfa = flowsStarted++ % 2 === 1;
    const t0 = performance.now();
    const userSignal = AbortSignal.any([stop.signal, AbortSignal.timeout(options.requestTimeoutMs)]);
    const token = await issueToken(await createSandboxUser(servers.sandboxUrl, userSignal));
    const client = createProxyClient(servers.proxyUrl, token, {
      timeoutMs: options.requestTimeoutMs,
      signal: stop.signal,
    });
    try {
      await client.call('GET', '/institutions?name=MX%20Bank&page=1&records_per_page=25');
      await sleep(options.thinkMs);
      const body = await credentialsBody(client, MXBANK, mfa ? MFA_PASSWORD : PLAIN_PASSWORD);
      await sleep(options.thinkMs);
      const member = await createMember(client, body);
      await pollUntilConnected(client, member, { intervalMs: options.pollMs, timeoutMs: options.flowTimeoutMs });
      flowMs.push(performance.now() - t0);
      if (mfa) flowsWithMfa++;
    } finally {
      for (const n of client.counts.values()) proxyRequests += n;
    }
  };

  const person = async (index: number) => {
    await sleep((index / options.concurrency) * options.rampSeconds * 1000);
    while (performance.now() < stopAt && !stop.signal.aborted) {
      try {
        await oneFlow();
      } catch (error) {
        if (stop.signal.aborted) {
          flowsCut++;
          return;
        }
        errors++;
        firstErrorAfterMs ??= performance.now() - started;
        const kind = kindOf(error);
        errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
        if (error instanceof BenchHttpError || error instanceof BenchNetworkError)
          failedRequestMs.push(error.elapsedMs);
        if (error instanceof BenchHttpError && error.status === 503) {
          shed.status503++;
          if (error.retryAfter !== null) shed.withRetryAfter++;
          // A well-behaved client waits as told before trying again (capped so the run stays bounded).
          await sleep(Math.min(5, Number(error.retryAfter) || 1) * 1000);
        }
        if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => person(i)));
  clearTimeout(cutTimer);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpuUsed = {
    proxy: processCpuMicros(proxy.pid) - cpuBefore.proxy,
    sandbox: processCpuMicros(sandbox.pid) - cpuBefore.sandbox,
    loadGenerator: processCpuMicros(process.pid) - cpuBefore.loadGenerator,
  };
  const share = (micros: number) => micros / (elapsedSeconds * 1e6);
  const cpuShareOfOneCore = {
    proxy: share(cpuUsed.proxy),
    sandbox: share(cpuUsed.sandbox),
    loadGenerator: share(cpuUsed.loadGenerator),
  };
  const waitingForCoreShare = {
    proxy: share(runQueueWaitMicros(pids.proxy) - waitBefore.proxy),
    sandbox: share(runQueueWaitMicros(pids.sandbox) - waitBefore.sandbox),
    loadGenerator: share(runQueueWaitMicros(pids.loadGenerator) - waitBefore.loadGenerator),
  };
  const proxyCpuMicrosPerRequest = cpuUsed.proxy / Math.max(1, proxyRequests);
  const after = { proxy: mb(await proxy.memory()), sandbox: mb(await sandbox.memory()) };
  return {
    ...options,
    elapsedSeconds,
    flowsStarted,
    flowsCompleted: flowMs.length,
    flowsWithMfa,
    flowsCut,
    flowsPerSecond: flowMs.length / elapsedSeconds,
    proxyRequests,
    proxyRequestsPerSecond: proxyRequests / elapsedSeconds,
    flowMs: summarize(flowMs),
    errors,
    errorsByKind,
    errorSamples,
    firstErrorAfterMs,
    failedRequestMs: summarize(failedRequestMs),
    shed,
    proxyCpuMicrosPerRequest,
    cpuShareOfOneCore,
    waitingForCoreShare,
    memory: {
      proxy: { before: before.proxy, after: after.proxy },
      sandbox: { before: before.sandbox, after: after.sandbox },
    },
  };
}
