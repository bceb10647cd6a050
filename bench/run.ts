// `npm run bench` (after `npm run build`): four measurements, each against a baseline measured in the same run.
// Prints tables and writes bench/results/latest.json. `--only=overhead,flow,detection,load` runs a subset.
// Exits non-zero when the load test sees any error or a browser flow does not finish. See docs/bench.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createSessionTokens } from '../src/server/index.ts';
import { formatTable } from './formatTable.ts';
import { measureLoad } from './measureLoad.ts';
import { measureProxyOverhead } from './measureProxyOverhead.ts';
import { startBenchServers } from './startBenchServers.ts';
import { ratio, round } from './stats.ts';

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);

const CONFIG = {
  overhead: { connections: 10, durationSeconds: 8 },
  load: { concurrency: 128, durationSeconds: 15, pollMs: 250, flowTimeoutMs: 20_000, aggregationMs: 500 },
};

const startedAt = Date.now();
const results: Record<string, unknown> = {
  startedAt: new Date(startedAt).toISOString(),
  machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model },
  config: CONFIG,
};
let failed = false;
const out: string[] = [];
const print = (text: string) => {
  console.log(text);
  out.push(text);
};

const secret = `${crypto.randomUUID()}${crypto.randomUUID()}`;
const tokens = createSessionTokens({ secret });
const issueToken = (userGuid: string) => tokens.issue(userGuid);

if (wanted('overhead') || wanted('load')) {
  const servers = await startBenchServers({ secret, aggregationMs: CONFIG.load.aggregationMs });
  try {
    if (wanted('overhead')) {
      const r = await measureProxyOverhead(servers, issueToken, CONFIG.overhead);
      results.proxyOverhead = r;
      const row = (name: string, s: typeof r.direct) => [
        name,
        round(s.requestsPerSecond, 0),
        round(s.meanMs, 2),
        round(s.p50Ms, 1),
        round(s.p99Ms, 1),
        s.requests,
        s.non2xx + s.errors,
      ];
      print(
        formatTable(
          `1. Proxy overhead: ${r.mix.join(' + ')}, ${r.connections} connections × ${r.durationSeconds} s each (autocannon)`,
          ['path', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'requests', 'non-2xx/errors'],
          [
            row('direct to sandbox (baseline)', r.direct),
            row('through the proxy', r.proxy),
            [
              'proxy / direct',
              ratio(r.proxy.requestsPerSecond, r.direct.requestsPerSecond),
              ratio(r.proxy.meanMs, r.direct.meanMs),
              ratio(r.proxy.p50Ms, r.direct.p50Ms),
              ratio(r.proxy.p99Ms, r.direct.p99Ms),
              '',
              '',
            ],
          ],
        ),
      );
      if (r.direct.non2xx + r.direct.errors + r.proxy.non2xx + r.proxy.errors > 0) {
        failed = true;
        print('!! proxy overhead: some requests failed');
      }
    }
    if (wanted('load')) {
      const r = await measureLoad(servers, issueToken, CONFIG.load);
      results.load = r;
      print(
        formatTable(
          `4. Load: ${r.concurrency} concurrent simulated connect flows for ${r.durationSeconds} s (proxy → sandbox on loopback, aggregation phase ${CONFIG.load.aggregationMs} ms, poll ${CONFIG.load.pollMs} ms, every 2nd flow with MFA)`,
          ['measure', 'value'],
          [
            ['flows completed (with MFA)', `${r.flowsCompleted} (${r.flowsWithMfa})`],
            ['flows/s', round(r.flowsPerSecond, 1)],
            ['proxy requests (req/s)', `${r.proxyRequests.toLocaleString('en-US')} (${round(r.proxyRequestsPerSecond, 0)})`],
            ['flow time p50 / p99 ms', `${r.flowMs.p50} / ${r.flowMs.p99}`],
            ['errors', r.errors],
            ['server RSS before → after MB', `${r.memoryBefore.rssMB} → ${r.memoryAfter.rssMB}`],
            ['server heap used before → after MB', `${r.memoryBefore.heapUsedMB} → ${r.memoryAfter.heapUsedMB}`],
          ],
        ),
      );
      if (r.errors > 0) {
        failed = true;
        print(`!! load: ${r.errors} error(s), e.g.\n   ${r.errorSamples.join('\n   ')}`);
      }
    }
  } finally {
    await servers.stop();
  }
}

results.elapsedSeconds = round((Date.now() - startedAt) / 1000, 1);
results.ok = !failed;
print(`\nbench: ${failed ? 'FAILED' : 'done'} in ${results.elapsedSeconds} s`);
const dir = path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ ...results, printed: out.join('\n') }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
process.exit(failed ? 1 : 0);
