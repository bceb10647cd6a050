// The demo's pages served as a CDN would: brotli or gzip by Accept-Encoding, immutable caching for hashed assets,
// revalidation for HTML. Real files on disk, the real demo app.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDemoServer } from '../../../src/server/demo/createDemoServer.ts';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const PAGE_LOAD = { Accept: 'text/html', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' };
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';
const SCRIPT = `export const rows = [${Array.from({ length: 400 }, (_, index) => `{ id: ${index}, label: "row ${index}" }`).join(', ')}];\n`;
const STYLES = Array.from(
  { length: 100 },
  (_, index) => `.c${index} { color: #${(index * 2711).toString(16).padStart(6, '0')}; }`,
).join('\n');
const PAGE = `<!doctype html><title>partner page</title>${'<p>A partner page with enough text to compress.</p>'.repeat(40)}`;

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'demo-pages-test-'));
  mkdirSync(path.join(root, 'demo', 'assets'), { recursive: true });
  mkdirSync(path.join(root, 'frame', 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'demo', 'index.html'), PAGE);
  writeFileSync(path.join(root, 'demo', 'assets', 'main-CIWOn-Kd.js'), SCRIPT);
  writeFileSync(path.join(root, 'demo', 'assets', 'tiny-AbCd1234.js'), 'export {};');
  writeFileSync(path.join(root, 'frame', 'index.html'), PAGE);
  writeFileSync(path.join(root, 'frame', 'assets', 'index-Dw_nUi26.css'), STYLES);
  writeFileSync(path.join(root, 'frame', 'assets', 'index-LfduHAqE.js'), SCRIPT);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function demo() {
  const app = createDemoServer({
    publicUrl: PUBLIC_URL,
    demoRoot: path.join(root, 'demo'),
    frameRoot: path.join(root, 'frame'),
  });
  return (requestPath: string, headers: Record<string, string> = {}) =>
    app.request(`${PUBLIC_URL}${requestPath}`, { headers });
}

async function decoded(response: Response): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength);
  const encoding = response.headers.get('content-encoding');
  if (encoding === 'br') return brotliDecompressSync(bytes).toString();
  if (encoding === 'gzip') return gunzipSync(bytes).toString();
  return bytes.toString();
}

describe("the demo's pages and assets", () => {
  it.each([
    ['/assets/main-CIWOn-Kd.js', SCRIPT],
    ['/frame/assets/index-Dw_nUi26.css', STYLES],
    ['/frame/assets/index-LfduHAqE.js', SCRIPT],
  ])('serves the hashed asset %s brotli-compressed and immutable', async (assetPath, original) => {
    const app = demo();
    for (let round = 0; round < 2; round += 1) {
      const response = await app(assetPath, { 'Accept-Encoding': BROWSER_ENCODINGS });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBe('br');
      expect(response.headers.get('vary')).toMatch(/Accept-Encoding/i);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Number(response.headers.get('content-length'))).toBeLessThan(original.length / 3);
      expect(await decoded(response)).toBe(original);
    }
  });

  it('falls back to gzip, then to no encoding, as the client accepts (q=0 refuses)', async () => {
    const app = demo();
    for (const [acceptEncoding, expected] of [
      ['gzip', 'gzip'],
      ['br;q=0, gzip;q=0.5', 'gzip'],
      ['identity', null],
      ['br;q=0', null],
    ] as const) {
      const response = await app('/assets/main-CIWOn-Kd.js', { 'Accept-Encoding': acceptEncoding });
      expect(response.headers.get('content-encoding')).toBe(expected);
      expect(response.headers.get('vary')).toMatch(/Accept-Encoding/i);
      expect(await decoded(response)).toBe(SCRIPT);
    }
    const plain = await app('/assets/main-CIWOn-Kd.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
  });

  it('serves HTML compressed and revalidated on every load; private when it starts a session', async () => {
    const app = demo();
    const first = await app('/', { ...PAGE_LOAD, 'Accept-Encoding': BROWSER_ENCODINGS });
    expect(first.headers.get('content-encoding')).toBe('br');
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('set-cookie')).not.toBeNull();
    expect(await decoded(first)).toBe(PAGE);
    const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
    const again = await app('/', { ...PAGE_LOAD, Cookie: cookie, 'Accept-Encoding': 'gzip' });
    expect(again.headers.get('cache-control')).toBe('no-cache');
    expect(again.headers.get('content-encoding')).toBe('gzip');
    // The frame page names its hashed assets, so it is revalidated on every load, like the partner pages.
    for (const framePath of ['/frame/', '/frame/index.html']) {
      const frame = await app(framePath, { 'Accept-Encoding': BROWSER_ENCODINGS });
      expect(frame.headers.get('cache-control')).toBe('no-cache');
      expect(frame.headers.get('content-encoding')).toBe('br');
      expect(await decoded(frame)).toBe(PAGE);
    }
  });

  it('leaves tiny files and range requests uncompressed', async () => {
    const app = demo();
    const tiny = await app('/assets/tiny-AbCd1234.js', { 'Accept-Encoding': BROWSER_ENCODINGS });
    expect(tiny.headers.get('content-encoding')).toBeNull();
    expect(await tiny.text()).toBe('export {};');
    const range = await app('/assets/main-CIWOn-Kd.js', { 'Accept-Encoding': BROWSER_ENCODINGS, Range: 'bytes=0-9' });
    expect(range.headers.get('content-encoding')).toBeNull();
    expect(await range.text()).toBe(SCRIPT.slice(0, 10));
  });

  it('does not cache or compress the widget API or errors', async () => {
    const app = demo();
    const missing = await app('/assets/missing-AbCd1234.js', { 'Accept-Encoding': BROWSER_ENCODINGS });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBeNull();
    const api = await app('/api/connect/institutions?name=mx', {
      'X-Member-Connect': '1',
      'Accept-Encoding': BROWSER_ENCODINGS,
    });
    expect(api.status).toBe(200);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('content-encoding')).toBeNull();
  });
});
