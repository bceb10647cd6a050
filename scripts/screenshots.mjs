// Looks at the widget as a person would: drives the BUILT demo (`npm run build` first; `npm run screenshots` does both)
// through every point of the flow, in the React demo page and in the SDK's iframe modal on /sdk.html, for each locale,
// colour scheme and width, and writes PNGs to screenshots/ (gitignored) with a contact sheet per mount and setting.
//
//   node scripts/screenshots.mjs                                 # everything: 3 locales × 2 schemes × 3 widths × 2 mounts
//   node scripts/screenshots.mjs --locales es --schemes dark --widths 375 --mounts demo --flows happy,locked
//
// Selectors are structural (data-step, classes, roles) or the bank's own English labels, so one script drives every
// locale. The sandbox passwords that pick each outcome are in docs/sandbox.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'screenshots');
const HEIGHTS = { 375: 812, 768: 1024, 1280: 900 };

const FLOWS = {
  happy: happyFlow,
  noResults: noResultsFlow,
  wrongPassword: (s) => errorAfterLogin(s, 'INVALID', 'wrong-password', '[data-step=credentials] [role=alert]'),
  mfaText: (s) => mfaFlow(s, 'challenge', 'mfa-text'),
  mfaOptions: (s) => mfaFlow(s, 'options', 'mfa-options'),
  mfaImage: (s) => mfaFlow(s, 'image', 'mfa-image'),
  mfaToken: (s) => mfaFlow(s, 'token', 'mfa-token'),
  mfaImageOptions: (s) => mfaFlow(s, 'image_options', 'mfa-image-options'),
  mfaMulti: (s) => mfaFlow(s, 'multi_challenge', 'mfa-multi'),
  locked: (s) => errorAfterLogin(s, 'LOCKED', 'error-locked'),
  impeded: (s) => errorAfterLogin(s, 'IMPEDED', 'error-impeded'),
  failed: (s) => errorAfterLogin(s, 'STATUS_FAILED', 'error-failed'),
  unavailable: (s) => errorAfterLogin(s, 'DISCONTINUED', 'error-discontinued'),
  expired: (s) => errorAfterLogin(s, 'STATUS_EXPIRED', 'error-expired'),
  exitQuestion: exitQuestionFlow,
  sessionExpired: sessionExpiredFlow,
  oauth: oauthFlow,
};

const { values: args } = parseArgs({
  options: {
    locales: { type: 'string', default: 'en,es,fr-CA' },
    schemes: { type: 'string', default: 'light,dark' },
    widths: { type: 'string', default: '375,768,1280' },
    mounts: { type: 'string', default: 'demo,sdk' },
    flows: { type: 'string', default: Object.keys(FLOWS).join(',') },
    keep: { type: 'boolean', default: false },
    // Settings shot side by side, each with its own demo server; most of a flow is waiting on the sandbox.
    parallel: { type: 'string', default: '3' },
  },
});
const list = (value) => value.split(',').filter(Boolean);
// Stopped from outside (Ctrl-C, kill): exit normally, so the 'exit' handlers stop the demo servers this run started.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

// ---------------------------------------------------------------------------------------------------------------
// One flow's surroundings: a fresh context and page, the widget's scope in the chosen mount.

/** The scope the widget lives in: the demo's card, or the SDK modal's iframe. */
async function openWidget(s) {
  const { page, mount, locale, scheme } = s;
  if (mount === 'demo') {
    await page.goto('/');
    await page.getByLabel('Language').selectOption(locale);
    await page.getByLabel('Appearance').selectOption(scheme);
    s.scope = page.getByRole('region', { name: 'Bank connection' });
  } else {
    await page.goto(`/sdk.html?locale=${locale}&colorScheme=${scheme}`);
    await page.locator('#open-modal').click();
    s.scope = page.frameLocator('iframe').locator('body');
  }
  await s.scope.locator('[data-step=consent]').waitFor();
}

async function shot(s, name, { settle = 250 } = {}) {
  // Let the step's own effects, fonts and images finish; no animation runs under reduced motion.
  await s.page.waitForTimeout(settle);
  await s.scope
    .locator('img')
    .evaluateAll((images) =>
      Promise.all(
        images.map((image) => image.complete || new Promise((done) => (image.onload = image.onerror = done))),
      ),
    )
    .catch(() => undefined);
  const file = path.join(s.dir, `${String(s.counter.next++).padStart(2, '0')}-${name}.png`);
  if (s.mount === 'demo') {
    await s.page.getByRole('region', { name: 'Bank connection' }).screenshot({ path: file, animations: 'disabled' });
  } else {
    await s.page.screenshot({ path: file, animations: 'disabled' });
  }
  s.files.push(file);
}

const step = (s, name) => s.scope.locator(`[data-step=${name}]`);

async function pastConsent(s) {
  await step(s, 'consent').locator('.mc-button-primary').click();
  await step(s, 'institutionSearch').waitFor();
}

async function pick(s, institution) {
  await s.scope.locator('input[type=search]').fill('mx bank');
  // From the results (a list), not the favourite tile of the same name that they replace.
  await s.scope.locator('.mc-options-list').getByRole('option', { name: institution, exact: true }).click();
}

async function logIn(s, password) {
  await openWidget(s);
  await pastConsent(s);
  await pick(s, 'MX Bank');
  await s.scope.getByLabel('Username', { exact: true }).fill('mxuser');
  await s.scope.getByLabel('Password', { exact: true }).fill(password);
  await step(s, 'credentials').locator('button[type=submit]').click();
}

// ---------------------------------------------------------------------------------------------------------------
// The flows.

async function happyFlow(s) {
  await openWidget(s);
  await shot(s, 'consent');
  await pastConsent(s);
  await s.scope.locator('.mc-options [role=option]').first().waitFor();
  await shot(s, 'search-popular');
  await s.scope.locator('input[type=search]').fill('bank');
  // A result that is not among the favourites shown before the search answers.
  await s.scope.getByRole('option', { name: 'Amberbrook Cooperative Bank', exact: true }).waitFor();
  await shot(s, 'search-results');
  await pick(s, 'MX Bank');
  await s.scope.getByLabel('Username', { exact: true }).waitFor();
  await shot(s, 'credentials');
  await s.scope.getByLabel('Username', { exact: true }).fill('mxuser');
  await s.scope.getByLabel('Password', { exact: true }).fill(`look-${Date.now()}`);
  await step(s, 'credentials').locator('button[type=submit]').click();
  await step(s, 'connectionStatus').waitFor();
  await shot(s, 'connecting', { settle: 50 });
  await s.scope.locator('.mc-accounts').waitFor({ timeout: 20_000 });
  await shot(s, 'success-accounts');
  if (s.mount === 'demo') {
    await step(s, 'connected').locator('.mc-button-primary').click();
    await step(s, 'connected').locator('[role=status]').nth(1).waitFor();
    await shot(s, 'done-connect-another');
  }
}

async function noResultsFlow(s) {
  await openWidget(s);
  await pastConsent(s);
  await s.scope.locator('input[type=search]').fill('zzqx no such bank');
  await s.scope.locator('.mc-empty').waitFor();
  await shot(s, 'search-no-results');
}

async function errorAfterLogin(s, password, name, selector = '[data-step=connectionError]') {
  await logIn(s, password);
  await s.scope.locator(selector).waitFor({ timeout: 20_000 });
  await shot(s, name);
}

async function mfaFlow(s, password, name) {
  await logIn(s, password);
  await step(s, 'mfa').locator('form').waitFor({ timeout: 20_000 });
  await shot(s, name);
  if (password === 'challenge') {
    // Submitting empty shows the validation message in the widget's language; a wrong answer ends REJECTED.
    const form = step(s, 'mfa').locator('form');
    await form.locator('button[type=submit]').click();
    await form.locator('[aria-invalid=true]').first().waitFor();
    await shot(s, `${name}-required`);
    await form.locator('input').first().fill('wrong');
    await form.locator('button[type=submit]').click();
    await step(s, 'connectionError').waitFor({ timeout: 20_000 });
    await shot(s, 'error-rejected');
  }
}

async function exitQuestionFlow(s) {
  await openWidget(s);
  await pastConsent(s);
  await pick(s, 'MX Bank');
  await s.scope.getByLabel('Username', { exact: true }).fill('mxuser');
  await s.scope.locator('.mc-close').click();
  await s.scope.locator('[role=alertdialog]').waitFor();
  await shot(s, 'exit-question');
  if (s.mount === 'demo') {
    await s.scope.locator('[role=alertdialog] .mc-button-secondary').click();
    await step(s, 'closed').waitFor();
    await shot(s, 'closed');
  }
}

async function sessionExpiredFlow(s) {
  await openWidget(s);
  await pastConsent(s);
  await pick(s, 'MX Bank');
  await s.scope.getByLabel('Username', { exact: true }).fill('mxuser');
  await s.scope.getByLabel('Password', { exact: true }).fill('anything');
  const expire = (route) =>
    route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":{"message":"Session expired."}}' });
  await s.page.route('**/api/connect/**', expire);
  await step(s, 'credentials').locator('button[type=submit]').click();
  if (s.mount === 'demo') {
    await step(s, 'closed').waitFor();
  } else {
    // The SDK ends the mount with onExit({ reason: 'sessionExpired' }): the host page says so.
    await s.page.locator('#result[data-outcome=exit]').waitFor();
  }
  await shot(s, 'session-expired');
}

async function oauthFlow(s) {
  await openWidget(s);
  await pastConsent(s);
  await pick(s, 'MX Bank (OAuth)');
  const primary = step(s, 'oauth').locator('.mc-button-primary');
  await primary.waitFor();
  await shot(s, 'oauth-intro');
  const open = async () => {
    const [popup] = await Promise.all([s.context.waitForEvent('page'), primary.click()]);
    await popup.waitForURL(/\/oauth\/authorize\//);
    await s.scope.locator('[data-state=waiting]').waitFor();
    return popup;
  };
  const first = await open();
  await shot(s, 'oauth-waiting');
  await first.close();
  await s.scope.locator('[data-state=windowClosed]').waitFor({ timeout: 10_000 });
  await shot(s, 'oauth-window-closed');
  // Reopened, then denied at the bank.
  const second = await open();
  await second.getByRole('button', { name: 'Deny' }).click();
  await s.scope.locator('[data-state=denied]').waitFor({ timeout: 10_000 });
  await shot(s, 'oauth-denied');
}

// ---------------------------------------------------------------------------------------------------------------
// The demo server, the browser, the matrix.

async function startDemo() {
  const entry = path.join(ROOT, 'dist/node/demo.js');
  if (!existsSync(entry)) throw new Error('The demo is not built: run `npm run build` (npm run screenshots does).');
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    // A short aggregation phase keeps the run quick while the connecting stages still show for a moment.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', SANDBOX_AGGREGATION_MS: '900' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /member-connect demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The demo exited (code ${code}):\n${output}`)));
  });
  return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

/** One PNG per setting with every state side by side, so a whole setting can be looked at in one image. */
async function contactSheet(browser, files, title, file) {
  if (files.length === 0) return;
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const tiles = files
    .map(
      (f) =>
        `<figure><img src="data:image/png;base64,${readFileSync(f).toString('base64')}"><figcaption>${path.basename(f, '.png')}</figcaption></figure>`,
    )
    .join('');
  await page.setContent(
    `<style>body{font:12px sans-serif;margin:8px;background:#888}h1{font-size:14px}` +
      `main{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}figure{margin:0;background:#fff;padding:4px}` +
      `img{display:block;width:300px}</style><h1>${title}</h1><main>${tiles}</main>`,
  );
  await page.screenshot({ path: file, fullPage: true });
  await page.close();
}

/**
 * One setting (mount, locale, scheme, width). Each flow gets a fresh browser context, so its own demo session and MX
 * user: a second member with the same credentials in one user would be refused as a duplicate.
 */
async function shootSetting(browser, { mount, locale, scheme, width }, failures) {
  // A demo of its own: the proxy allows 50 bank logins per client address in 10 minutes (docs/proxy.md), and every
  // setting signs in about a dozen times from the same loopback address.
  const demo = await startDemo();
  const dir = path.join(OUT, mount, `${locale}-${scheme}-${width}`);
  mkdirSync(dir, { recursive: true });
  const files = [];
  const counter = { next: 1 };
  try {
    await shootFlows(browser, demo, { mount, locale, scheme, width, dir, files, counter }, failures);
  } finally {
    await demo.stop();
  }
  await contactSheet(browser, files, `${mount} ${locale} ${scheme} ${width}px`, `${dir}.png`);
  console.log(`${mount} ${locale} ${scheme} ${width}: ${files.length} screenshots`);
}

async function shootFlows(browser, demo, { mount, locale, scheme, width, dir, files, counter }, failures) {
  for (const flow of list(args.flows)) {
    const context = await browser.newContext({
      baseURL: demo.url,
      viewport: { width, height: HEIGHTS[width] ?? 900 },
      reducedMotion: 'reduce',
      colorScheme: scheme,
    });
    const page = await context.newPage();
    const s = { context, page, mount, locale, scheme, width, dir, files, counter, scope: undefined };
    try {
      await FLOWS[flow](s);
    } catch (error) {
      failures.push(`${mount} ${locale} ${scheme} ${width} ${flow}: ${error.message.split('\n')[0]}`);
      await page.screenshot({ path: path.join(dir, `FAILED-${flow}.png`) }).catch(() => undefined);
    } finally {
      await context.close();
    }
  }
}

async function main() {
  if (!args.keep) rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const settings = list(args.mounts).flatMap((mount) =>
    list(args.locales).flatMap((locale) =>
      list(args.schemes).flatMap((scheme) =>
        list(args.widths).map((width) => ({ mount, locale, scheme, width: Number(width) })),
      ),
    ),
  );
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  const failures = [];
  try {
    const queue = [...settings];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        await shootSetting(browser, next, failures);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Number(args.parallel)) }, worker));
  } finally {
    await browser.close();
  }
  writeFileSync(path.join(OUT, 'failures.txt'), failures.join('\n') + '\n');
  if (failures.length > 0) {
    console.error(`${failures.length} flow(s) failed:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
