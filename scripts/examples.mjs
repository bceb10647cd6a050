// `npm run examples` (run by .ci/run after `npm test`): every integration in examples/ as a partner would have it.
// The package is packed once; each example is copied to a temp dir, gets `npm install <tarball>` plus its own
// dependencies from the npm registry, is started on a free loopback port, and Chromium (Debian's, via playwright-core)
// connects MX Bank through it: search → MX Bank → mxuser / any password → Connected, and the page hears onSuccess.
// Usage: node scripts/examples.mjs [name ...]   (default: every example with a package.json). Needs `npm run build`.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';

const root = path.resolve(import.meta.dirname, '..');
const examplesDir = path.join(root, 'examples');
const names = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(examplesDir).filter((name) => existsSync(path.join(examplesDir, name, 'package.json')));
// Next.js would otherwise try to send telemetry (and say so) on every build.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

// The README's quick start quotes examples/express verbatim; a change to either must keep them equal.
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
for (const file of ['express/server.mjs', 'express/public/index.html']) {
  if (!readme.includes(readFileSync(path.join(examplesDir, file), 'utf8').trimEnd())) {
    console.error(`examples: README.md's quick start no longer quotes examples/${file} exactly.`);
    process.exit(1);
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'member-connect-examples-'));
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, child, output) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no answer from ${url} within 120 s:\n${output()}`);
}

/** The SDK examples: a button opens the modal; the bank is connected inside the frame. */
async function connectThroughFrame(page, baseUrl) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Connect your bank' }).click();
  const frame = page.frameLocator('iframe[title="Connect your bank account"]');
  await connectMxBank(frame);
  await page.getByText(/^Connected mxbank \(MBR-[\w-]+\)$/).waitFor({ timeout: 30_000 });
}

/** The React widget example (Next.js): the widget is in the page itself. */
async function connectInPage(page, baseUrl) {
  await page.goto(baseUrl);
  await connectMxBank(page);
  await page.getByText(/^Connected mxbank \(MBR-[\w-]+\)$/).waitFor({ timeout: 30_000 });
}

async function connectMxBank(scope) {
  const timeout = 30_000;
  // The consent pane comes first (on by default), then search; a result's name may start with its logo's initials.
  await scope.getByRole('button', { name: 'Continue' }).click({ timeout });
  await scope.getByRole('searchbox').fill('mx bank', { timeout });
  await scope
    .getByRole('option', { name: /(^|\s)MX Bank$/ })
    .first()
    .click({ timeout });
  await scope.getByLabel('Username', { exact: true }).fill('mxuser', { timeout });
  await scope.getByLabel('Password', { exact: true }).fill('any-password-at-all', { timeout });
  await scope.getByRole('button', { name: 'Continue' }).click({ timeout });
  await scope.getByRole('heading', { name: 'Connected', exact: true }).waitFor({ timeout });
}

let failed = false;
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
try {
  let started = Date.now();
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  );
  const tarball = path.join(work, filename);
  console.log(`examples: packed ${filename} (${seconds(started)})`);

  for (const name of names) {
    const dir = path.join(work, name);
    cpSync(path.join(examplesDir, name), dir, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|\.next)$/.test(source),
    });
    started = Date.now();
    // The tarball replaces the package.json's `member-connect` range; everything else comes from the registry.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: dir,
      stdio: 'inherit',
    });
    console.log(`examples: ${name}: installed (${seconds(started)})`);
    if (existsSync(path.join(dir, 'next.config.mjs'))) {
      started = Date.now();
      execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit', env });
      console.log(`examples: ${name}: built (${seconds(started)})`);
    }

    const port = await freePort();
    let log = '';
    const child = spawn('npm', ['start'], {
      cwd: dir,
      env: { ...env, PORT: String(port), HOSTNAME: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    const baseUrl = `http://127.0.0.1:${port}/`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    started = Date.now();
    try {
      await waitForServer(baseUrl, child, () => log);
      await (name === 'nextjs' ? connectInPage : connectThroughFrame)(page, baseUrl);
      if (pageErrors.length) throw new Error(`uncaught errors in the page: ${pageErrors.join('; ')}`);
      console.log(`examples: ${name}: connected MX Bank in Chromium (${seconds(started)})`);
    } catch (error) {
      failed = true;
      console.error(
        `examples: ${name}: FAILED: ${error instanceof Error ? error.message : error}\nserver output:\n${log}`,
      );
    } finally {
      await context.close();
      // The whole process group: `npm start` and the server it started.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log('examples: all connected.');
