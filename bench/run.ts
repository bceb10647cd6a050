// `npm run bench` (after `npm run build`): four measurements, each against a baseline measured in the same run.
// Prints tables and writes bench/results/latest.json. `--only=overhead,flow,detection,load` runs a subset.
// Exits non-zero when the load test sees any error or a browser flow does not finish. See docs/bench.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, chromiumPath, hasChromium } from '../scripts/chromium.mjs';
import { createSessionTokens } from '../src/server/index.ts';
import { formatTable } from './formatTable.ts';
import { measureLoad } from './measureLoad.ts';
import { measureProxyOverhead } from './measureProxyOverhead.ts';
import { runNaiveFlow } from './naiveClient.ts';
import { startBenchDemo } from './startBenchDemo.ts';
import { startBenchServers } from './startBenchServers.ts';
import { ratio, round } from './stats.ts';
import { runWidgetFlow } from './widgetFlow.ts';

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);

const CONFIG = {
  overhead: { connections: 10, durationSeconds: 8 },
  flow: { aggregationMs: 1500, search: 'MX Bank', password: 'challenge', mfaAnswer: 'correct', naivePollMs: 1000 },
  // Several lengths because both clients poll on a schedule that starts at the submit, so where the finish falls in
  // that schedule (and so the delay) depends on the length. Totals (2 phases) avoid whole seconds, where a 1 s poller
  // would always land just after the finish and look instant.
  detection: { aggregationMs: [1150, 2350, 3700, 5050, 7100], password: 'password', naivePollMs: 1000 },
  load: { concurrency: 128, durationSeconds: 15, pollMs: 250, flowTimeoutMs: 20_000, aggregationMs: 500 },
};

const startedAt = Date.now();
const results: Record<string, unknown> = {
  startedAt: new Date(startedAt).toISOString(),
  machine: {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
  },
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
            row('through the proxy (proxy → sandbox over loopback)', r.proxy),
            [
              'proxy / direct',
              ratio(r.proxy.requestsPerSecond, r.direct.requestsPerSecond),
              ratio(r.proxy.meanMs, r.direct.meanMs),
              ratio(r.proxy.p50Ms, r.direct.p50Ms),
              ratio(r.proxy.p99Ms, r.direct.p99Ms),
              '',
              '',
            ],
            row('breakdown: proxy with the sandbox in memory (no HTTP hop)', r.proxyInMemoryUpstream),
          ],
        ),
      );
      if ([r.direct, r.proxy, r.proxyInMemoryUpstream].some((side) => side.non2xx + side.errors > 0)) {
        failed = true;
        print('!! proxy overhead: some requests failed');
      }
    }
    await browserMeasurements();
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
} else {
  await browserMeasurements();
}

/** Measurements 2 and 3 (Chromium on the demo); they run between 1 and 4 so the output reads in order. */
async function browserMeasurements() {
  if (!wanted('flow') && !wanted('detection')) return;
  if (!hasChromium()) {
    failed = true;
    print(`!! no Chromium at ${chromiumPath()}: apt-get install -y chromium, or set CHROMIUM_PATH (measurements 2 and 3 skipped)`);
    return;
  }
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    if (wanted('flow')) await requestsPerFlow(browser);
    if (wanted('detection')) await statusDetection(browser);
  } catch (error) {
    failed = true;
    print(`!! browser measurement failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await browser.close();
  }
}

async function requestsPerFlow(browser: Browser) {
  const c = CONFIG.flow;
  const demo = await startBenchDemo({ aggregationMs: c.aggregationMs });
  try {
    const widget = await runWidgetFlow(browser, demo.url, {
      search: c.search,
      backAndForth: true,
      password: c.password,
      mfaAnswer: c.mfaAnswer,
    });
    const naive = await runNaiveFlow(demo.url, {
      search: c.search,
      backAndForth: true,
      password: c.password,
      pollMs: c.naivePollMs,
      mirror: {
        favorites: 'GET /institutions/favorites' in widget.counts,
        institutionDetails: 'GET /institutions/:code' in widget.counts,
      },
    });
    results.requestsPerFlow = { config: c, widget, naive };
    const routes = [...new Set([...Object.keys(widget.counts), ...Object.keys(naive.counts)])].sort();
    print(
      formatTable(
        `2. Requests per connect flow: type "${c.search}" at human speed, open it, back, open again, log in with MFA ` +
          `(aggregation phase ${c.aggregationMs} ms); naive = no debounce, no cache, 1 s polling`,
        ['route', 'widget', 'naive baseline', 'widget / naive'],
        [
          ...routes.map((r) => [r, widget.counts[r] ?? 0, naive.counts[r] ?? 0, ratio(widget.counts[r] ?? 0, naive.counts[r] ?? 0)]),
          ['total', widget.total, naive.total, ratio(widget.total, naive.total)],
        ],
      ),
    );
  } finally {
    await demo.stop();
  }
}

async function statusDetection(browser: Browser) {
  const c = CONFIG.detection;
  // Each length gets its own sandbox; they run side by side because both clients wait on the sandbox's clock, not
  // on the CPU, so the whole table takes as long as its longest row.
  const runs = await Promise.all(
    c.aggregationMs.map(async (aggregationMs) => {
      const demo = await startBenchDemo({ aggregationMs });
      try {
        const [widget, naive] = await Promise.all([
          runWidgetFlow(browser, demo.url, { backAndForth: false, password: c.password, fast: true }),
          runNaiveFlow(demo.url, {
            backAndForth: false,
            password: c.password,
            pollMs: c.naivePollMs,
            mirror: { favorites: false, institutionDetails: false },
          }),
        ]);
        return { aggregationMs, widget, naive };
      } finally {
        await demo.stop();
      }
    }),
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const widgetMs = mean(runs.map((r) => r.widget.detectionMs));
  const naiveMs = mean(runs.map((r) => r.naive.detectionMs));
  const widgetPolls = runs.reduce((a, r) => a + r.widget.pollsAfterLastWrite, 0);
  const naivePolls = runs.reduce((a, r) => a + r.naive.pollsAfterLastWrite, 0);
  results.statusDetection = { config: c, runs, summary: { widgetMs, naiveMs, widgetPolls, naivePolls } };
  print(
    formatTable(
      '3. Status detection: ms from the sandbox finishing aggregation (successfully_aggregated_at) to the client ' +
        'showing it, and the status polls made since the credentials were sent',
      ['aggregation (login + processing)', 'widget ms', 'widget polls', 'naive 1 s ms', 'naive polls'],
      [
        ...runs.map((r) => [
          `${(2 * r.aggregationMs) / 1000} s`,
          r.widget.detectionMs,
          r.widget.pollsAfterLastWrite,
          r.naive.detectionMs,
          r.naive.pollsAfterLastWrite,
        ]),
        ['mean ms / total polls', Math.round(widgetMs), widgetPolls, Math.round(naiveMs), naivePolls],
        ['widget / naive', ratio(widgetMs, naiveMs), ratio(widgetPolls, naivePolls), '', ''],
      ],
    ),
  );
}

results.elapsedSeconds = round((Date.now() - startedAt) / 1000, 1);
results.ok = !failed;
// Other work on the machine moves absolute numbers a lot (ratios much less), so the run says how busy it was.
print(
  `\nbench: ${failed ? 'FAILED' : 'done'} in ${results.elapsedSeconds} s on ${os.cpus().length} CPUs, Node ` +
    `${process.version}; 1-minute load average ${os.loadavg()[0]?.toFixed(1)} at the end ` +
    `(${(results.machine as { loadAverageAtStart: number[] }).loadAverageAtStart[0]} at the start)`,
);
const dir = path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ ...results, printed: out.join('\n') }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
process.exit(failed ? 1 : 0);
