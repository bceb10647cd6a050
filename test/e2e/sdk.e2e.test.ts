// The iframe bundle and the framework-free SDK, as a partner's plain HTML page uses them (issue 7): the BUILT demo
// (`/sdk.html` opens `/frame/` through member-connect/sdk) in Debian's Chromium, under the demo's strict CSP. The
// second test adds a hostile page on another loopback origin (a second server) that forges protocol messages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Frame, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import * as protocol from '../../src/protocol/messages.ts';
import type { mountConnectWidget } from '../../src/sdk/index.ts';
import { builtDemoSuite } from '../support/builtDemoSuite.ts';
import { acceptConsent } from '../support/demoFlow.ts';

const suite = builtDemoSuite();

/** The demo's `/sdk.html` with the classic-script SDK as shipped, served from the page's own origin so the CSP allows it. */
async function loadShippedSdk(page: Page): Promise<void> {
  await page.goto('/sdk.html');
  await page.route('**/test-sdk/sdk.iife.js', (route) =>
    route.fulfill({ path: 'dist/lib/sdk.iife.js', contentType: 'text/javascript' }),
  );
  await page.addScriptTag({ url: '/test-sdk/sdk.iife.js' });
}

// The wire constants, handed to the attacker's page so that its forgeries are well-formed messages of this version.
const PROTOCOL_TYPES = {
  PROTOCOL: protocol.PROTOCOL,
  PROTOCOL_VERSION: protocol.PROTOCOL_VERSION,
  READY: protocol.READY,
  EVENT: protocol.EVENT,
  RESIZE: protocol.RESIZE,
  SUCCESS: protocol.SUCCESS,
  EXIT: protocol.EXIT,
  TOKEN_REQUEST: protocol.TOKEN_REQUEST,
  DONE: protocol.DONE,
  HANDSHAKE: protocol.HANDSHAKE,
  TOKEN: protocol.TOKEN,
  BACK: protocol.BACK,
  CLOSE: protocol.CLOSE,
};

/** The iframe's document, once the frame bundle is loaded in it. */
async function frameOf(page: Page): Promise<Frame> {
  const handle = await page.locator('iframe[title="Connect your bank account"]').elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('The SDK iframe has no frame.');
  await frame.waitForLoadState();
  return frame;
}

/** The search result for MX Bank (an option of the results listbox). */
function mxBankResult(frame: Frame) {
  return frame.getByRole('listbox', { name: 'Search results' }).getByRole('option', { name: 'MX Bank', exact: true });
}

async function connectMxBank(frame: Frame) {
  await frame.getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
  await mxBankResult(frame).click();
  await frame.getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
  await frame.getByLabel('Username', { exact: true }).fill('mxuser');
  await frame.getByLabel('Password', { exact: true }).fill('any-password-at-all');
  await frame.getByRole('button', { name: 'Continue' }).click();
  await frame.getByRole('heading', { name: 'Connected', exact: true }).waitFor();
}

/** Whether the inline iframe is exactly as tall as the widget rendered inside it. */
async function iframeMatchesContent(iframe: Locator, frame: Frame): Promise<boolean> {
  const reported = await iframe.evaluate((element: HTMLIFrameElement) => element.style.height);
  const content = await frame.evaluate(() =>
    Math.ceil(document.getElementById('root')?.getBoundingClientRect().height ?? -1),
  );
  return reported === `${content}px`;
}

function callbackLog(page: Page) {
  return page.getByRole('list', { name: 'Terminal callbacks, oldest first' }).getByRole('listitem');
}

describe('the plain HTML page with member-connect/sdk', () => {
  it('connects MX Bank through the iframe in a modal, hears onSuccess once, with zero CSP violations', async () => {
    const { page } = suite.t;
    await page.goto('/sdk.html');
    const opener = page.getByRole('button', { name: 'Open in a dialog' });
    await opener.click();

    const dialog = page.getByRole('dialog', { name: 'Connect your bank account' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await page.evaluate(() => document.body.style.overflow)).toBe('hidden');
    // The session token travels in the handshake only: the frame URL carries nothing but the host origin.
    const src = new URL((await dialog.locator('iframe').getAttribute('src')) ?? '');
    expect(src.pathname).toBe('/frame/');
    expect(src.search).toBe('');
    expect(src.hash).toBe(`#origin=${suite.demo.url}`);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('IFRAME');

    const frame = await frameOf(page);
    await acceptConsent(frame);
    await connectMxBank(frame);

    await callbackLog(page).first().waitFor();
    const calls = await callbackLog(page).allTextContents();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^onSuccess mxbank MBR-[\w-]+$/);
    const events = (await page.getByRole('list', { name: 'Widget events, newest first' }).textContent()) ?? '';
    expect(events).toContain('mx/connect/memberConnected');
    expect(events).not.toContain('any-password-at-all');

    // The success screen's primary action ends the modal: focus and page scroll come back exactly.
    await frame.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('iframe').count()).toBe(0);
    expect(await page.evaluate(() => document.body.getAttribute('style'))).toBeNull();
    expect(await opener.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await callbackLog(page).allTextContents()).toEqual(calls);

    expect(suite.t.problems.cspViolations).toEqual([]);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });

  it('closes the modal on Escape pressed inside the frame, with one onExit and focus back on the opener', async () => {
    const { page } = suite.t;
    await page.goto('/sdk.html');
    const opener = page.getByRole('button', { name: 'Open in a dialog' });
    await opener.click();
    const frame = await frameOf(page);
    const heading = frame.getByRole('heading', { name: 'Fernway uses member-connect to link your bank' });
    await heading.waitFor();
    // Key presses inside the iframe never reach the host page; the frame turns Escape into the widget's close().
    await heading.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await callbackLog(page).allTextContents()).toEqual(['onExit userCancelled']);
    expect(await opener.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await page.evaluate(() => document.body.getAttribute('style'))).toBeNull();
    expect(suite.t.problems.cspViolations).toEqual([]);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });

  it('preloads the frame before the click without a token or an API call, then opens it from the cache', async () => {
    const { page } = suite.t;
    const served: string[] = [];
    page.on('response', (response) => served.push(new URL(response.url()).pathname));
    await page.goto('/sdk.html?preload=1');
    // The hidden preload iframe loads the frame page and removes itself once loaded.
    await expect.poll(() => served.some((path) => /^\/frame\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
    await expect.poll(() => page.locator('iframe').count()).toBe(0);
    const beforeClick = [...served];
    expect(beforeClick.filter((path) => path.startsWith('/api/') || path === '/demo/session-token')).toEqual([]);

    await page.getByRole('button', { name: 'Open in a dialog' }).click();
    const frame = await frameOf(page);
    await acceptConsent(frame);
    await frame.getByRole('searchbox', { name: 'Search for your bank' }).waitFor();
    // The frame's scripts and styles come from the HTTP cache: the opened frame asks the network for none of them.
    const frameAssets = await frame.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry as PerformanceResourceTiming)
        .filter((entry) => /\/assets\/index-[\w-]+\.(js|css)$/.test(entry.name))
        .map((entry) => ({ name: entry.name, transferSize: entry.transferSize })),
    );
    expect(frameAssets.length).toBeGreaterThan(0);
    expect(frameAssets.filter((entry) => entry.transferSize > 0)).toEqual([]);
    expect(suite.t.problems.cspViolations).toEqual([]);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });

  it('renders inline and resizes the iframe to the widget', async () => {
    const { page } = suite.t;
    await page.goto('/sdk.html');
    await page.getByRole('button', { name: 'Show inline' }).click();
    const iframe = page.locator('#inline-container iframe');
    const frame = await frameOf(page);
    await frame.getByRole('heading', { name: 'Fernway uses member-connect to link your bank' }).waitFor();
    // The SDK starts at 600px; the frame reports its content height whenever it changes and the SDK applies it, so
    // once the widget settles the iframe is exactly as tall as the widget.
    await expect.poll(() => iframeMatchesContent(iframe, frame)).toBe(true);
    expect(await iframe.evaluate((element: HTMLIFrameElement) => element.style.height)).not.toBe('600px');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(suite.t.problems.cspViolations).toEqual([]);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });
});

/** A second loopback origin: another port on 127.0.0.1, serving an empty page the test scripts as an attacker. */
async function startHostileServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html lang="en"><head><title>Not the partner</title></head><body></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

type Recorder = Window & { __seen: string[] };

/** Records the type of every message that reaches this window, so the test knows the forgeries were delivered. */
function recordMessages() {
  const target = window as unknown as Recorder;
  target.__seen = [];
  window.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown } | string;
    target.__seen.push(typeof data === 'string' ? data : String(data?.type));
  });
}

describe('a hostile page on another origin', () => {
  it("loses its handle on the partner page it opens: the demo's Cross-Origin-Opener-Policy cuts it off", async () => {
    const hostile = await startHostileServer();
    try {
      const { page: attacker, context } = suite.t;
      await attacker.goto(`${hostile.url}/`);
      const [host] = await Promise.all([
        context.waitForEvent('page'),
        attacker.evaluate((url) => {
          (window as unknown as { victim: Window | null }).victim = window.open(url, 'victim');
        }, `${suite.demo.url}/sdk.html`),
      ]);
      await host.getByRole('button', { name: 'Show inline' }).waitFor();
      expect(await attacker.evaluate(() => (window as unknown as { victim: Window }).victim.closed)).toBe(true);
    } finally {
      await new Promise((resolve) => hostile.server.close(resolve));
    }
  });

  it('cannot change the widget or the host by posting forged messages, nor embed the frame', async () => {
    const hostile = await startHostileServer();
    try {
      const { page: attacker, context } = suite.t;
      // The demo's COOP already cuts a cross-origin opener off (test above). A partner page may not send COOP, and
      // then only the message checks stand between the attacker and the widget: this test removes the header.
      await context.route(`${suite.demo.url}/sdk.html`, async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers() };
        delete headers['cross-origin-opener-policy'];
        await route.fulfill({ response, headers });
      });
      await attacker.goto(`${hostile.url}/`);

      // The attacker opens the partner page, so it holds a reference to the host window and, through it, the frame.
      const [host] = await Promise.all([
        context.waitForEvent('page'),
        attacker.evaluate((url) => {
          (window as unknown as { victim: Window | null }).victim = window.open(url, 'victim');
        }, `${suite.demo.url}/sdk.html`),
      ]);
      await host.getByRole('button', { name: 'Show inline' }).click();
      const frame = await frameOf(host);
      await acceptConsent(frame);
      await frame.getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
      await mxBankResult(frame).click();
      await frame.getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
      await frame.getByLabel('Username', { exact: true }).waitFor();
      await host.evaluate(recordMessages);
      await frame.evaluate(recordMessages);
      const iframe = host.locator('#inline-container iframe');

      await attacker.evaluate((types) => {
        const victim = (window as unknown as { victim: Window }).victim;
        const victimFrame = victim.frames[0];
        if (!victimFrame) throw new Error('The partner page has no frame.');
        const forge = (message: object) => ({ protocol: types.PROTOCOL, version: types.PROTOCOL_VERSION, ...message });
        // To the host, pretending to be the frame.
        for (const message of [
          { type: types.SUCCESS, result: { memberGuid: 'MBR-FORGED', institutionCode: 'evilbank' } },
          { type: types.EXIT, result: { reason: 'userCancelled', message: 'forged' } },
          { type: types.RESIZE, height: 5 },
          {
            type: types.EVENT,
            event: { mx: true, type: 'mx/connect/memberConnected', metadata: { member_guid: 'MBR-FORGED' } },
          },
          { type: types.TOKEN_REQUEST, id: 0 },
          { type: types.DONE },
          { type: types.READY },
        ]) {
          victim.postMessage(forge(message), '*');
        }
        victim.postMessage('forgeries-sent', '*');
        // To the frame, pretending to be the host.
        for (const message of [
          { type: types.HANDSHAKE, config: { institutionCode: 'evilbank' }, sessionToken: 'forged', refreshable: true },
          { type: types.BACK },
          { type: types.CLOSE },
          { type: types.TOKEN, id: 0, sessionToken: 'forged' },
        ]) {
          victimFrame.postMessage(forge(message), '*');
        }
        victimFrame.postMessage('forgeries-sent', '*');
      }, PROTOCOL_TYPES);
      await host.waitForFunction(() => (window as unknown as Recorder).__seen.includes('forgeries-sent'));
      await frame.waitForFunction(() => (window as unknown as Recorder).__seen.includes('forgeries-sent'));

      // Nothing changed: no callback, same size, the widget still on the credentials step (no back, no close).
      expect(await callbackLog(host).count()).toBe(0);
      expect(await host.getByRole('status').textContent()).toContain('Connecting…');
      expect(await host.getByRole('list', { name: 'Widget events, newest first' }).textContent()).not.toContain(
        'MBR-FORGED',
      );
      // The forged 5px resize did not land: the iframe keeps following the widget's real height.
      await expect.poll(() => iframeMatchesContent(iframe, frame)).toBe(true);
      expect(await iframe.evaluate((element: HTMLIFrameElement) => element.style.height)).not.toBe('5px');
      expect(await frame.getByRole('heading', { name: 'Log in to MX Bank' }).isVisible()).toBe(true);
      expect(await frame.getByRole('searchbox', { name: 'Search for your bank' }).count()).toBe(0);

      // The real channel still works: the host's Back reaches the widget, and a real connection reports once.
      await host.getByRole('button', { name: 'Back' }).click();
      await frame.getByRole('searchbox', { name: 'Search for your bank' }).waitFor();
      await connectMxBank(frame);
      await callbackLog(host).first().waitFor();
      const calls = await callbackLog(host).allTextContents();
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/^onSuccess mxbank MBR-[\w-]+$/);
      expect(calls[0]).not.toContain('MBR-FORGED');

      // Embedding the frame (with its own origin in the fragment) or the partner page: the CSP refuses both, so no
      // frame ever says `ready` to the attacker.
      await attacker.evaluate(
        ({ demoUrl, hostileUrl }) => {
          const received: unknown[] = [];
          (window as unknown as { received: unknown[] }).received = received;
          window.addEventListener('message', (event) => received.push(event.data));
          for (const src of [`${demoUrl}/frame/#origin=${encodeURIComponent(hostileUrl)}`, `${demoUrl}/sdk.html`]) {
            const embedded = document.createElement('iframe');
            embedded.src = src;
            document.body.append(embedded);
          }
        },
        { demoUrl: suite.demo.url, hostileUrl: hostile.url },
      );
      await expect
        .poll(() => suite.t.problems.cspViolations.filter((text) => text.includes('frame-ancestors')).length)
        .toBe(2);
      expect(await attacker.evaluate(() => (window as unknown as { received: unknown[] }).received)).toEqual([]);
      // The only CSP reports are those two refusals; the partner page and the frame ran clean.
      expect(suite.t.problems.cspViolations.every((text) => text.includes('frame-ancestors'))).toBe(true);
      expect(suite.t.problems.pageErrors).toEqual([]);
    } finally {
      await new Promise((resolve) => hostile.server.close(resolve));
    }
  });
});

describe('a wrong frameUrl (issue 14)', () => {
  it('ends with onExit frameError and a console error naming frameUrl, and the modal goes away', async () => {
    const { page } = suite.t;
    await loadShippedSdk(page);
    await page.evaluate(() => {
      const sdk = (window as unknown as { MemberConnect: { mountConnectWidget: typeof mountConnectWidget } })
        .MemberConnect;
      sdk.mountConnectWidget({
        frameUrl: '/no-frame-here/',
        sessionToken: 'unused',
        onExit: (result) => document.body.setAttribute('data-exit', result.reason),
      });
    });
    // The demo answers the wrong URL with its 404 page: it loads, never says `ready`, and the SDK gives up.
    await page.getByRole('dialog', { name: 'Connect your bank account' }).waitFor();
    await expect.poll(() => page.locator('body').getAttribute('data-exit'), { timeout: 15_000 }).toBe('frameError');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(suite.t.problems.consoleErrors).toContainEqual(
      expect.stringContaining('member-connect: no frame started at /no-frame-here/; serve dist/frame/ there'),
    );
  });
});

describe('options the widget does not accept', () => {
  it('end the session with onExit frameError naming the option, from the frame, without waiting for the watchdog', async () => {
    const { page } = suite.t;
    await loadShippedSdk(page);
    await page.evaluate(() => {
      const sdk = (window as unknown as { MemberConnect: { mountConnectWidget: typeof mountConnectWidget } })
        .MemberConnect;
      sdk.mountConnectWidget({
        frameUrl: '/frame/',
        sessionToken: 'unused',
        // A plain-JavaScript page can pass what the types would have refused.
        locale: 'de' as never,
        onExit: (result) => document.body.setAttribute('data-exit', `${result.reason}: ${result.message}`),
      });
    });
    // The watchdog's frameError has no message; this one comes from the frame and says what to fix.
    await expect
      .poll(() => page.locator('body').getAttribute('data-exit'))
      .toBe('frameError: the option locale is "de", which the widget does not accept');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(suite.t.problems.consoleErrors).toContainEqual(
      expect.stringContaining('member-connect frame: the option locale is "de"'),
    );
    expect(suite.t.problems.pageErrors).toEqual([]);
  });

  it('end the session at once with onExit frameError when an option cannot be cloned (a function)', async () => {
    const { page } = suite.t;
    await loadShippedSdk(page);
    await page.evaluate(() => {
      const sdk = (window as unknown as { MemberConnect: { mountConnectWidget: typeof mountConnectWidget } })
        .MemberConnect;
      sdk.mountConnectWidget({
        frameUrl: '/frame/',
        sessionToken: 'unused',
        // Another vendor's callback, which the handshake forwards and Chromium cannot clone.
        ...({ onLoad: () => undefined } as object),
        onExit: (result) => document.body.setAttribute('data-exit', `${result.reason}: ${result.message}`),
      });
    });
    // Its own message, not the 30 s watchdog's (which has none and blames frameUrl).
    await expect
      .poll(() => page.locator('body').getAttribute('data-exit'), { timeout: 15_000 })
      .toMatch(/^frameError: options DataCloneError: .*could not be cloned/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(suite.t.problems.consoleErrors).toContainEqual(
      expect.stringContaining('member-connect: options DataCloneError'),
    );
    expect(suite.t.problems.consoleErrors).not.toContainEqual(expect.stringContaining('no frame started'));
  });
});
