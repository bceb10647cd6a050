// The e2e files' shared set-up: one built demo (`npm start`'s server) and one Chromium per file, a fresh browser
// context (so a fresh cookie, demo session and MX user) per test, and the demo's output printed when a test fails.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { launchChromium, newTestContext, type TestContext } from './browser.ts';
import { type RunningDemo, startBuiltDemo } from './demoServer.ts';

export interface BuiltDemoSuite {
  readonly demo: RunningDemo;
  readonly browser: Browser;
  /** The current test's context and page. */
  readonly t: TestContext;
}

const started = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test or hook.`);
  return value;
};

/** Registers the hooks in the calling file and returns what they start; `env` is the demo's (e.g. `DEMO_PUBLIC_SANDBOX`). */
export function builtDemoSuite(env: Record<string, string> = {}): BuiltDemoSuite {
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let t: TestContext | undefined;
  beforeAll(async () => {
    demo = await startBuiltDemo(env);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });
  beforeEach(async (test) => {
    const context = await newTestContext(started(browser, 'Chromium'), started(demo, 'The demo').url);
    t = context;
    return async () => {
      await context.close();
      if (test.task.result?.state === 'fail') console.error(`demo server output:\n${demo?.output()}`);
    };
  });
  return {
    get demo() {
      return started(demo, 'The demo');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    get t() {
      return started(t, 'The test context');
    },
  };
}
