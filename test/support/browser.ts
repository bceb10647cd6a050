// Real Chromium for the e2e tests: Debian's package (never a downloaded browser), started with the project's flags.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, chromiumPath, hasChromium } from '../../scripts/chromium.mjs';

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium()) {
    throw new Error(
      `No Chromium at ${chromiumPath()}. Install it with: apt-get update && apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/** What went wrong inside the pages of one context: CSP violations, uncaught errors, console errors. */
export interface PageProblems {
  cspViolations: string[];
  pageErrors: string[];
  consoleErrors: string[];
}

export interface TestContext {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  close: () => Promise<void>;
}

/**
 * A fresh browser context (own cookie jar, so its own demo session and MX user) with one page. Every page of the
 * context, popups included, reports CSP violations and uncaught errors into `problems`.
 */
export async function newTestContext(browser: Browser, baseURL: string): Promise<TestContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  const problems: PageProblems = { cspViolations: [], pageErrors: [], consoleErrors: [] };

  // Init scripts and bindings are added by the browser itself, so they run even under the page's strict CSP.
  await context.exposeBinding('__reportCspViolation', (_source, violation: string) => {
    problems.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation: (violation: string) => void }).__reportCspViolation;
      void report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} in ${event.documentURI}`);
    });
  });

  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (text.includes('Content Security Policy')) problems.cspViolations.push(text);
      else problems.consoleErrors.push(`${page.url()}: ${text}`);
    });
  };
  context.on('page', watch);
  const page = await context.newPage();

  return { context, page, problems, close: () => context.close() };
}
