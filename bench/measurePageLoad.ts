import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

import type { Browser, CDPSession } from 'playwright-core';

import { sleep } from './connectFlow.ts';
import { median } from './stats.ts';

/** CDP `Network.emulateNetworkConditions` values (bytes per second, ms). */
export interface Throttle {
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  latencyMs: number;
}

export interface PageLoad {
  /** Bytes over the wire (headers + encoded bodies) of every request sent before the search box was interactive. */
  firstScreenBytes: number;
  /**
   * Ms from navigation start to the widget's first control being in the page and enabled (rendered client-side, so
   * interactive when it appears): the search box, or the consent screen's Continue button when the widget opens on it.
   */
  msToSearchBox: number;
  /** Which control that was: `search box` or `consent Continue`. */
  firstControl: string;
  /** Everything the cold load fetched until the network was quiet, lazy chunks and API calls included. */
  totalBytes: number;
  requests: number;
  /** Bytes over the wire of the same page loaded again in the same browser (what caching saves a returning visitor). */
  repeatVisitBytes: number;
  /** Responses by Content-Encoding (`br`, `gzip`, `none`). */
  encodings: Record<string, number>;
  /**
   * The reference: the same first-screen requests as a CDN would answer them, each static file brotli-compressed
   * (quality 11) from the build on disk, other answers (API calls) counted as measured. Bodies only, no headers.
   */
  cdnFirstScreenBytes: number;
}

export interface PageLoadSummary {
  loads: PageLoad[];
  /** Medians over the loads. */
  firstScreenBytes: number;
  msToSearchBox: number;
  totalBytes: number;
  repeatVisitBytes: number;
  cdnFirstScreenBytes: number;
  encodings: Record<string, number>;
  firstControls: string[];
}

/** URL path prefix → build folder that serves it, most specific first (`/frame/` before `/`). */
export type StaticRoots = readonly { prefix: string; dir: string }[];

interface Wire {
  urls: Map<string, string>;
  sentAt: Map<string, number>;
  bytes: Map<string, number>;
  encodings: Record<string, number>;
  inFlight: Set<string>;
}

function watchNetwork(cdp: CDPSession): Wire {
  const wire: Wire = { urls: new Map(), sentAt: new Map(), bytes: new Map(), encodings: {}, inFlight: new Set() };
  cdp.on('Network.requestWillBeSent', (e) => {
    wire.sentAt.set(e.requestId, Date.now());
    wire.urls.set(e.requestId, e.request.url);
    wire.inFlight.add(e.requestId);
  });
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const encoding = String(headers['content-encoding'] ?? 'none');
    wire.encodings[encoding] = (wire.encodings[encoding] ?? 0) + 1;
  });
  cdp.on('Network.loadingFinished', (e) => {
    wire.bytes.set(e.requestId, e.encodedDataLength);
    wire.inFlight.delete(e.requestId);
  });
  cdp.on('Network.loadingFailed', (e) => wire.inFlight.delete(e.requestId));
  return wire;
}

async function networkQuiet(wire: Wire, quietMs = 500, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (wire.inFlight.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await sleep(50);
  }
}

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

const brotliCache = new Map<string, number>();
/** Brotli size of the build file a URL is served from, or undefined when it is not a static file. */
function brotliSizeOf(url: string, roots: StaticRoots): number | undefined {
  const { pathname } = new URL(url);
  const root = roots.find((r) => pathname.startsWith(r.prefix));
  if (!root) return undefined;
  let file = path.join(root.dir, pathname.slice(root.prefix.length));
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  let size = brotliCache.get(file);
  if (size === undefined) {
    size = brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    brotliCache.set(file, size);
  }
  return size;
}

/**
 * One cold load of the demo page in a fresh browser context (empty cache), optionally throttled with CDP: bytes on
 * the wire and the time until the widget's search box is interactive. Then the same page again in the same context.
 */
async function loadOnce(
  browser: Browser,
  url: string,
  throttle: Throttle | undefined,
  roots: StaticRoots,
): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Noted by the page itself, from navigation start (performance.now()), the moment the search box exists and is enabled.
  await context.addInitScript(() => {
    // No named inner functions: the page gets this function's source, and tsx would wrap names in a helper it lacks.
    // The widget's first screen is the search box, or a consent screen with a Continue button when the partner is named.
    new MutationObserver(() => {
      const w = window as { __mcSearchBoxAt?: number; __mcFirstControl?: string };
      if (w.__mcSearchBoxAt) return;
      const box = document.querySelector<HTMLInputElement>('input[type="search"], [role="searchbox"]');
      const consent = [...document.querySelectorAll<HTMLButtonElement>('[aria-label="Bank connection"] button')].find(
        (b) => b.textContent?.trim() === 'Continue' && !b.disabled,
      );
      if ((box && !box.disabled) || consent) {
        w.__mcSearchBoxAt = performance.now();
        w.__mcFirstControl = box && !box.disabled ? 'search box' : 'consent Continue';
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    if (throttle) {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: throttle.latencyMs,
        downloadThroughput: throttle.downloadBytesPerSecond,
        uploadThroughput: throttle.uploadBytesPerSecond,
      });
    }
    const wire = watchNetwork(cdp);
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => (window as { __mcSearchBoxAt?: number }).__mcSearchBoxAt,
      undefined,
      {
        timeout: 60_000,
        polling: 50,
      },
    );
    const msToSearchBox = (await handle.jsonValue()) as number;
    const firstControl = await page.evaluate(() => (window as { __mcFirstControl?: string }).__mcFirstControl ?? '');
    const navigationStart = await page.evaluate(() => performance.timeOrigin);
    const searchBoxAt = navigationStart + msToSearchBox;
    await networkQuiet(wire);
    const firstScreen = [...wire.bytes].filter(([id]) => (wire.sentAt.get(id) ?? Infinity) <= searchBoxAt);
    const firstScreenBytes = sum(firstScreen.map(([, b]) => b));
    const cdnFirstScreenBytes = sum(firstScreen.map(([id, b]) => brotliSizeOf(wire.urls.get(id) ?? '', roots) ?? b));
    const totalBytes = sum(wire.bytes.values());
    const requests = wire.bytes.size;
    const encodings = { ...wire.encodings };

    wire.bytes.clear();
    await page.goto(url, { waitUntil: 'load' });
    await networkQuiet(wire);
    const repeatVisitBytes = sum(wire.bytes.values());
    return {
      firstScreenBytes,
      msToSearchBox,
      firstControl,
      totalBytes,
      requests,
      repeatVisitBytes,
      encodings,
      cdnFirstScreenBytes,
    };
  } finally {
    await context.close();
  }
}

/** `loads` cold loads one after another; the medians are what the bench reports. */
export async function measurePageLoad(
  browser: Browser,
  url: string,
  options: { loads: number; throttle?: Throttle; staticRoots: StaticRoots },
): Promise<PageLoadSummary> {
  const loads: PageLoad[] = [];
  for (let i = 0; i < options.loads; i++)
    loads.push(await loadOnce(browser, url, options.throttle, options.staticRoots));
  const m = (pick: (l: PageLoad) => number) => median(loads.map(pick));
  const encodings: Record<string, number> = {};
  for (const l of loads) for (const [k, n] of Object.entries(l.encodings)) encodings[k] = (encodings[k] ?? 0) + n;
  return {
    loads,
    firstScreenBytes: m((l) => l.firstScreenBytes),
    msToSearchBox: m((l) => l.msToSearchBox),
    totalBytes: m((l) => l.totalBytes),
    repeatVisitBytes: m((l) => l.repeatVisitBytes),
    cdnFirstScreenBytes: m((l) => l.cdnFirstScreenBytes),
    encodings,
    firstControls: [...new Set(loads.map((l) => l.firstControl))],
  };
}
