// Issue 12, as a person meets it in the BUILT demo (Debian's Chromium, the demo's strict CSP): the consent screen,
// search by keyboard alone, "My bank isn't listed", success with the connected accounts, and the same flow inside
// the SDK's iframe modal on /sdk.html. Locators go by role and label only.
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { builtDemoSuite } from '../support/builtDemoSuite.ts';
import { acceptConsent, hostResult, logInToMxBank, stepHeading, widget } from '../support/demoFlow.ts';

const suite = builtDemoSuite();

function expectCleanRun() {
  expect(suite.t.problems.cspViolations).toEqual([]);
  expect(suite.t.problems.pageErrors).toEqual([]);
}

interface FocusWatch {
  /** Every moment the 25 ms poll found focus on <body>, by the step shown then. */
  bodyFocus: string[];
  /** Each step change, with where focus was in the same task as the new step's DOM (`body` if it had fallen there). */
  stepChanges: string[];
}

/**
 * From the first key press on, records where focus is: polled every 25 ms (Chromium fires no blur when a focused
 * element is removed from the page), and at each step change in a MutationObserver callback. That callback runs in a
 * microtask right after React's commit, before any passive effect or paint, so a step that focused only in a passive
 * effect shows up here as `step→body` every time, not by the luck of the poll's timing.
 */
async function watchFocus(page: Page): Promise<() => Promise<FocusWatch>> {
  await page.evaluate(() => {
    const state = window as unknown as { __focus: FocusWatch; __started: boolean };
    state.__focus = { bodyFocus: [], stepChanges: [] };
    state.__started = false;
    document.addEventListener('keydown', () => (state.__started = true), { capture: true });
    const stepShown = () => document.querySelector('.mc-body')?.getAttribute('data-step') ?? '?';
    setInterval(() => {
      if (state.__started && document.activeElement === document.body) state.__focus.bodyFocus.push(stepShown());
    }, 25);
    let last = stepShown();
    new MutationObserver(() => {
      const step = stepShown();
      if (step === last) return;
      last = step;
      const active = document.activeElement;
      const where = active === document.body || active === null ? 'body' : active.tagName.toLowerCase();
      state.__focus.stepChanges.push(`${step}→${where}`);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-step'] });
  });
  return () => page.evaluate(() => (window as unknown as { __focus: FocusWatch }).__focus);
}

async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    return `${element?.tagName ?? ''} ${element?.getAttribute('role') ?? ''} ${element?.textContent?.trim().slice(0, 40) ?? ''}`;
  });
}

async function press(page: Page, key: string, times = 1) {
  for (let i = 0; i < times; i += 1) await page.keyboard.press(key);
}

/** Presses Tab (or `key`, e.g. Shift+Tab) until the focused element is `name`'s control (at most `max` times). */
async function tabTo(page: Page, matches: () => Promise<boolean>, max = 25, key = 'Tab') {
  for (let presses = 0; presses < max; presses += 1) {
    if (await matches()) return;
    await page.keyboard.press(key);
  }
  throw new Error(`Tab did not reach the target; focus is on ${await focusedName(page)}`);
}

describe('the connect experience (issue 12)', () => {
  it('shows the accounts that were connected, and the host hears them in onSuccess', async () => {
    const { page } = suite.t;
    await logInToMxBank(page, 'any-password');
    await stepHeading(page, 'Connected').waitFor();
    await widget(page).getByText('You connected MX Bank to Fernway.').waitFor();
    const accounts = widget(page).getByRole('list', { name: 'Connected accounts' });
    await accounts.waitFor();
    const rows = await accounts.getByRole('listitem').allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.join(' ')).toMatch(/Checking •• \d{4}/);
    await expect.poll(async () => (await hostResult(page).textContent()) ?? '').toContain(`${rows.length} account(s)`);
    // Done hands back to the host; inline, the widget offers another connection instead of a frozen screen.
    await widget(page).getByRole('button', { name: 'Done' }).click();
    const another = widget(page).getByRole('button', { name: 'Connect another account' });
    await another.waitFor();
    expect(await another.evaluate((element) => element === document.activeElement)).toBe(true);
    expectCleanRun();
  });

  it('ends with institutionNotListed from "My bank isn\'t listed"', async () => {
    const { page } = suite.t;
    await page.goto('/');
    await acceptConsent(widget(page));
    await widget(page).getByRole('searchbox', { name: 'Search for your bank' }).fill('zzqx no such bank');
    await widget(page).getByText('Check the spelling, or try a shorter part of the name.').waitFor();
    await widget(page).getByRole('button', { name: 'My bank isn’t listed' }).click();
    await expect
      .poll(async () => (await hostResult(page).textContent()) ?? '')
      .toContain('onExit: institutionNotListed');
    expectCleanRun();
  });

  it('goes from consent to connected with the keyboard only, focus never on <body>', async () => {
    const { page } = suite.t;
    await page.goto('/');
    await stepHeading(page, 'Fernway uses member-connect to link your bank').waitFor();
    const focus = await watchFocus(page);
    const isFocused = (locator: ReturnType<typeof widget>) => () =>
      locator.evaluate((element) => element === document.activeElement);

    await tabTo(page, isFocused(widget(page).getByRole('button', { name: 'Continue' })));
    await press(page, 'Enter');
    const search = widget(page).getByRole('searchbox', { name: 'Search for your bank' });
    await tabTo(page, isFocused(search));
    await page.keyboard.type('bank');
    const results = widget(page).getByRole('listbox', { name: 'Search results' });
    await results.getByRole('option').nth(2).waitFor();
    // One Tab stop: Tab enters the list at its first option, the next Tab leaves it.
    await press(page, 'Tab');
    expect(await isFocused(results.getByRole('option').first())()).toBe(true);
    await press(page, 'ArrowDown', 2);
    expect(await isFocused(results.getByRole('option').nth(2))()).toBe(true);
    await press(page, 'Home');
    await press(page, 'ArrowUp');
    expect(await isFocused(search)()).toBe(true);
    await press(page, 'Escape');
    expect(await search.inputValue()).toBe('');
    await page.keyboard.type('mx bank');
    const mxBank = results.getByRole('option', { name: 'MX Bank', exact: true });
    await mxBank.waitFor();
    await press(page, 'ArrowDown');
    expect(await isFocused(mxBank)()).toBe(true);
    await press(page, 'Enter');

    await stepHeading(page, 'Log in to MX Bank').waitFor();
    const username = widget(page).getByLabel('Username', { exact: true });
    // Opened by the person, the login starts in its first field.
    await expect.poll(isFocused(username)).toBe(true);
    // Back returns to the bank that was chosen; Enter opens its login again.
    // Backwards: forwards would leave the page past its last control, and focus would rest on <body> on the way round.
    await tabTo(page, isFocused(widget(page).getByRole('button', { name: 'Back' })), 3, 'Shift+Tab');
    await press(page, 'Enter');
    await expect.poll(isFocused(mxBank)).toBe(true);
    await press(page, 'Enter');
    await stepHeading(page, 'Log in to MX Bank').waitFor();
    await expect.poll(isFocused(username)).toBe(true);
    await page.keyboard.type('mxuser');
    await tabTo(page, isFocused(widget(page).getByLabel('Password', { exact: true })), 5);
    await page.keyboard.type('keyboard-only');
    await press(page, 'Enter');
    await stepHeading(page, 'Connected').waitFor();
    await widget(page).getByRole('list', { name: 'Connected accounts' }).waitFor();
    await tabTo(page, isFocused(widget(page).getByRole('button', { name: 'Done' })));
    await press(page, 'Enter');
    await widget(page).getByRole('button', { name: 'Connect another account' }).waitFor();
    const { bodyFocus, stepChanges } = await focus();
    expect(bodyFocus).toEqual([]);
    // Every step change it walked, each with focus already in place (the heading, or the field or bank it belongs on).
    expect(stepChanges).toEqual([
      'institutionSearch→h2',
      // The first time, the bank's fields are still loading: the heading holds focus until the form takes it.
      expect.stringMatching(/^credentials→(h2|input)$/),
      'institutionSearch→li',
      'credentials→input',
      'connectionStatus→h2',
      'connected→h2',
    ]);
    expectCleanRun();
  });
});

describe('inside the SDK iframe modal (/sdk.html)', () => {
  async function frameOf(page: Page): Promise<Frame> {
    const handle = await page.locator('iframe[title="Connect your bank account"]').elementHandle();
    const frame = await handle?.contentFrame();
    if (!frame) throw new Error('The SDK iframe has no frame.');
    return frame;
  }

  /** Consent, MX Bank from the results, a login that connects: inside the frame, as the person does it. */
  async function connectInFrame(frame: Frame | FrameLocator, password: string) {
    await acceptConsent(frame);
    await frame.getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
    await frame
      .getByRole('listbox', { name: 'Search results' })
      .getByRole('option', { name: 'MX Bank', exact: true })
      .click();
    await frame.getByLabel('Username', { exact: true }).fill('mxuser');
    await frame.getByLabel('Password', { exact: true }).fill(password);
    await frame.getByRole('button', { name: 'Continue' }).click();
  }

  it('asks for consent, connects, lists the accounts, and Done closes the modal', async () => {
    const { page } = suite.t;
    await page.goto('/sdk.html');
    await page.getByRole('button', { name: 'Open in a dialog' }).click();
    await page.getByRole('dialog', { name: 'Connect your bank account' }).waitFor();
    const frame = await frameOf(page);
    await frame.getByRole('list').filter({ hasText: 'Account names and types' }).waitFor();
    await connectInFrame(frame, 'in-the-modal');
    const accounts = frame.getByRole('list', { name: 'Connected accounts' });
    await accounts.waitFor();
    expect(await accounts.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    const callbacks = page.getByRole('list', { name: 'Terminal callbacks, oldest first' }).getByRole('listitem');
    await callbacks.first().waitFor();
    expect(await callbacks.allTextContents()).toEqual([expect.stringMatching(/^onSuccess mxbank MBR-/)]);
    await frame.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await callbacks.count()).toBe(1);
    expectCleanRun();
  });

  it('inline: Done goes back to the page (onDone), which hides the widget; no second session starts unheard', async () => {
    const { page } = suite.t;
    await page.goto('/sdk.html');
    await page.getByRole('button', { name: 'Show inline' }).click();
    const frame = page.frameLocator('#inline-container iframe');
    await connectInFrame(frame, 'inline-once');
    await frame.getByRole('list', { name: 'Connected accounts' }).waitFor();
    await frame.getByRole('button', { name: 'Done' }).click();
    await page.locator('#inline-container iframe').waitFor({ state: 'detached' });
    const result = page.getByRole('status').filter({ hasText: 'Linked mxbank' });
    await expect.poll(async () => (await result.textContent()) ?? '').toContain('Open the widget again');
    const callbacks = page.getByRole('list', { name: 'Terminal callbacks, oldest first' }).getByRole('listitem');
    expect(await callbacks.allTextContents()).toEqual([expect.stringMatching(/^onSuccess mxbank MBR-/)]);
    // Another account is another mount.
    await page.getByRole('button', { name: 'Show inline' }).click();
    await frame.getByRole('button', { name: 'Continue' }).waitFor();
    expectCleanRun();
  });
});
