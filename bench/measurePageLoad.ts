import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

import type { Browser, CDPSession, Page } from 'playwright-core';

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
   * Ms from the start (navigation start, or the click on the opener with `open`) to the widget's search box being in
   * the page and enabled (rendered client-side, so interactive when it appears). When the widget opens on its consent
   * screen, the measuring script clicks Continue the moment it is enabled (no reading time), so this includes the
   * consent screen and whatever the search step then needs.
   */
  msToSearchBox: number;
  /** Ms from the same start to the consent screen's Continue being enabled; undefined when there is no consent screen. */
  msToConsent: number | undefined;
  /** Everything the cold load fetched until the network was quiet, lazy chunks and API calls included. */
  totalBytes: number;
  requests: number;
  /** Bytes over the wire of the same page loaded again in the same browser (what caching saves a returning visitor). */
  repeatVisitBytes: number;
  /** Responses by Content-Encoding (`br`, `gzip`, `none`). */
  encodings: Record<string, number>;
  /**
   * The reference: the same first-screen requests as a CDN would answer them, each static file brotli-compressed
   * (quality 11) from the build on disk, other answers (API calls, 304s, the browser's cache) counted as measured.
   * Bodies only, no headers.
   */
  cdnFirstScreenBytes: number;
}

export interface PageLoadSummary {
  loads: PageLoad[];
  /** Medians over the loads. */
  firstScreenBytes: number;
  msToSearchBox: number;
  msToConsent: number | undefined;
  totalBytes: number;
  repeatVisitBytes: number;
  cdnFirstScreenBytes: number;
  encodings: Record<string, number>;
}

/**
 * For a page where the widget is not on the page at once (the SDK page): once the page has loaded and its network is
 * quiet (so a preload has finished), click this button; the time and the first-screen bytes start there.
 */
export interface OpenAction {
  /** Label of the button that opens the widget. */
  button: string;
}

/** URL path prefix → build folder that serves it, most specific first (`/frame/` before `/`). */
export type StaticRoots = readonly { prefix: string; dir: string }[];

interface Wire {
  urls: Map<string, string>;
  sentAt: Map<string, number>;
  bytes: Map<string, number>;
  encodings: Record<string, number>;
  inFlight: Set<string>;
  /** Requests answered from the browser's cache or with 304: nothing a CDN would send a body for. */
  cached: Set<string>;
}

function watchNetwork(cdp: CDPSession): Wire {
  const wire: Wire = {
    urls: new Map(),
    sentAt: new Map(),
    bytes: new Map(),
    encodings: {},
    inFlight: new Set(),
    cached: new Set(),
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    wire.sentAt.set(e.requestId, Date.now());
    wire.urls.set(e.requestId, e.request.url);
    wire.inFlight.add(e.requestId);
  });
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const encoding = String(headers['content-encoding'] ?? 'none');
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.status === 304)
      wire.cached.add(e.requestId);
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

/** The marks of the init script, from whichever frame has them (the page, or the SDK's iframe). */
async function waitForMarks(page: Page): Promise<{ searchBoxAt: number; consentAt: number | undefined }> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const marks = await frame
        .evaluate(() => {
          const w = window as { __mcSearchBoxAt?: number; __mcConsentAt?: number };
          return w.__mcSearchBoxAt ? { searchBoxAt: w.__mcSearchBoxAt, consentAt: w.__mcConsentAt } : undefined;
        })
        .catch(() => undefined);
      if (marks) return marks;
    }
    await sleep(50);
  }
  throw new Error('no search box within 60 s');
}

/**
 * One cold load of a demo page in a fresh browser context (empty cache), optionally throttled with CDP: bytes on
 * the wire and the time until the widget's search box is interactive (after `open`'s click when given). Then the same
 * page again in the same context.
 */
async function loadOnce(
  browser: Browser,
  url: string,
  throttle: Throttle | undefined,
  roots: StaticRoots,
  open: OpenAction | undefined,
): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Noted by each document itself (the page, and the SDK's iframe when there is one), in ms since the epoch, the
  // moment the consent screen's Continue and then the search box exist and are enabled. Continue is clicked at once.
  await context.addInitScript(() => {
    // No named inner functions: the page gets this function's source, and tsx would wrap names in a helper it lacks.
    new MutationObserver(() => {
      const w = window as { __mcSearchBoxAt?: number; __mcConsentAt?: number };
      if (w.__mcSearchBoxAt) return;
      const now = performance.timeOrigin + performance.now();
      const box = document.querySelector<HTMLInputElement>('input[type="search"], [role="searchbox"]');
      if (box && !box.disabled) {
        w.__mcSearchBoxAt = now;
        return;
      }
      const consent = document.querySelector<HTMLButtonElement>('[data-state="consent"] button.mc-button-primary');
      if (consent && !consent.disabled && !w.__mcConsentAt) {
        w.__mcConsentAt = now;
        consent.click();
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
    await page.goto(url, { waitUntil: open ? 'load' : 'commit' });
    let startAt = await page.evaluate(() => performance.timeOrigin);
    if (open) {
      // The page is loaded and quiet (a preload has had its time); the widget's time starts with the click.
      await networkQuiet(wire);
      wire.bytes.clear();
      wire.sentAt.clear();
      startAt = Date.now();
      await page.getByRole('button', { name: open.button }).click();
    }
    const marks = await waitForMarks(page);
    const msToSearchBox = marks.searchBoxAt - startAt;
    const msToConsent = marks.consentAt === undefined ? undefined : marks.consentAt - startAt;
    const searchBoxAt = marks.searchBoxAt;
    await networkQuiet(wire);
    const firstScreen = [...wire.bytes].filter(([id]) => (wire.sentAt.get(id) ?? Infinity) <= searchBoxAt);
    const firstScreenBytes = sum(firstScreen.map(([, b]) => b));
    const cdnFirstScreenBytes = sum(
      firstScreen.map(([id, b]) => (wire.cached.has(id) ? b : (brotliSizeOf(wire.urls.get(id) ?? '', roots) ?? b))),
    );
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
      msToConsent,
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
  options: { loads: number; throttle?: Throttle; staticRoots: StaticRoots; open?: OpenAction },
): Promise<PageLoadSummary> {
  const loads: PageLoad[] = [];
  for (let i = 0; i < options.loads; i++)
    loads.push(await loadOnce(browser, url, options.throttle, options.staticRoots, options.open));
  const m = (pick: (l: PageLoad) => number) => median(loads.map(pick));
  const encodings: Record<string, number> = {};
  for (const l of loads) for (const [k, n] of Object.entries(l.encodings)) encodings[k] = (encodings[k] ?? 0) + n;
  return {
    loads,
    firstScreenBytes: m((l) => l.firstScreenBytes),
    msToSearchBox: m((l) => l.msToSearchBox),
    msToConsent: loads.every((l) => l.msToConsent !== undefined) ? m((l) => l.msToConsent ?? 0) : undefined,
    totalBytes: m((l) => l.totalBytes),
    repeatVisitBytes: m((l) => l.repeatVisitBytes),
    cdnFirstScreenBytes: m((l) => l.cdnFirstScreenBytes),
    encodings,
  };
}
