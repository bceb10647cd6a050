// The whole product, as a person uses it: the BUILT demo (`npm start`'s server, started on a free loopback port)
// driven by Debian's Chromium. The widget talks to /api/connect (the proxy), which talks to the sandbox at /sandbox.
// Scenario passwords are the sandbox's (docs/sandbox.md).
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { builtDemoSuite } from '../support/builtDemoSuite.ts';
import { acceptConsent } from '../support/demoFlow.ts';

const SCREENSHOTS = process.env.E2E_SCREENSHOTS; // a folder; screenshots are for people, never compared

const suite = builtDemoSuite();

async function snap(page: Page, name: string) {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** The widget and the sandbox's pages ran under the demo's strict CSP without a violation or an uncaught error. */
function expectCleanRun() {
  expect(suite.t.problems.cspViolations).toEqual([]);
  expect(suite.t.problems.pageErrors).toEqual([]);
}

function widget(page: Page): Locator {
  return page.getByRole('region', { name: 'Bank connection' });
}

/** The institution's option in the search results (not in the favourites shown before the search runs). */
function searchResult(page: Page, institution: string): Locator {
  return widget(page)
    .getByRole('listbox', { name: 'Search results' })
    .getByRole('option', { name: institution, exact: true });
}

async function searchAndPick(page: Page, institution: string) {
  await page.goto('/');
  await acceptConsent(widget(page));
  await widget(page).getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
  await searchResult(page, institution).click();
}

async function logIn(page: Page, password: string) {
  await searchAndPick(page, 'MX Bank');
  await widget(page).getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
  await widget(page).getByLabel('Username', { exact: true }).fill('mxuser');
  await widget(page).getByLabel('Password', { exact: true }).fill(password);
  await widget(page).getByRole('button', { name: 'Continue' }).click();
}

async function waitForMfa(page: Page) {
  await widget(page).getByRole('heading', { name: 'MX Bank needs more information' }).waitFor();
}

/** OPTIONS challenges are a radio group when there are few options, a select otherwise (product.md). */
async function choose(page: Page, question: string, option: string) {
  const radio = widget(page).getByRole('radio', { name: option, exact: true });
  if ((await radio.count()) > 0) await radio.check();
  else await widget(page).getByLabel(question, { exact: true }).selectOption({ label: option });
}

async function submitMfa(page: Page) {
  await widget(page).getByRole('button', { name: 'Submit' }).click();
}

/** Waits for the Connected step and for the host page to have seen onSuccess; returns the member guid. */
async function expectConnected(page: Page, institutionCode = 'mxbank'): Promise<string> {
  await widget(page).getByRole('heading', { name: 'Connected', exact: true }).waitFor();
  const result = page.getByRole('status').filter({ hasText: 'onSuccess' });
  await result.waitFor();
  const text = (await result.textContent()) ?? '';
  expect(text).toContain(`connected ${institutionCode} as member`);
  const guid = /MBR-[\w-]+/.exec(text)?.[0];
  expect(guid).toBeDefined();
  return guid ?? '';
}

/** Everything the host page received through onEvent, as shown in its log. */
async function eventLog(page: Page): Promise<string> {
  return (await page.getByRole('list', { name: 'Widget events, newest first' }).textContent()) ?? '';
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** Presses `key` until `target` has focus (at most `max` times), as a keyboard user moves through the page. */
async function pressUntilFocused(page: Page, key: string, target: Locator, max = 40) {
  await target.waitFor();
  for (let presses = 0; presses < max; presses += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${max} presses of ${key} did not reach ${target.toString()}`);
}

describe('connecting MX Bank through the demo partner page', () => {
  it('connects with mxuser and any password, and the page hears onSuccess', async () => {
    const { page } = suite.t;
    await page.goto('/');
    await snap(page, '00-consent');
    await acceptConsent(widget(page));
    await snap(page, '01-search');
    await widget(page).getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
    const mxBank = searchResult(page, 'MX Bank');
    await mxBank.waitFor();
    await snap(page, '02-search-results');
    await mxBank.click();

    await widget(page).getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
    await widget(page).getByLabel('Username', { exact: true }).fill('mxuser');
    await widget(page).getByLabel('Password', { exact: true }).fill('any-password-at-all');
    await snap(page, '03-credentials');
    await widget(page).getByRole('button', { name: 'Continue' }).click();

    await expectConnected(page);
    await snap(page, '04-connected');
    expect(await eventLog(page)).toContain('mx/connect/memberConnected');
    // The host's event log must never see what the user typed.
    expect(await eventLog(page)).not.toContain('any-password-at-all');
    expectCleanRun();
  });

  it('shows the bank’s rejection on the credentials form for INVALID', async () => {
    const { page } = suite.t;
    await logIn(page, 'INVALID');
    const alert = widget(page).getByText('The credentials were not accepted.');
    await alert.waitFor();
    await widget(page)
      .getByRole('heading', { name: /MX Bank/ })
      .first()
      .waitFor();
    // Back on the form, ready for another try; the rejected password is not kept.
    const password = widget(page).getByLabel('Password', { exact: true });
    await password.waitFor();
    expect(await password.inputValue()).toBe('');
    await snap(page, '05-invalid');
    expect(await page.getByRole('status').filter({ hasText: 'onSuccess' }).count()).toBe(0);
    expectCleanRun();
  });

  it('answers a text MFA question', async () => {
    const { page } = suite.t;
    await logIn(page, 'challenge');
    await waitForMfa(page);
    await widget(page).getByLabel('What city were you born in?', { exact: true }).fill('correct');
    await snap(page, '06-mfa-text');
    await submitMfa(page);
    await expectConnected(page);
    expectCleanRun();
  });

  it('answers an options MFA question', async () => {
    const { page } = suite.t;
    await logIn(page, 'options');
    await waitForMfa(page);
    await choose(page, 'Which of these is the correct answer?', 'correct');
    await snap(page, '07-mfa-options');
    await submitMfa(page);
    await expectConnected(page);
    expectCleanRun();
  });

  it('answers a one-time-code (token) MFA', async () => {
    const { page } = suite.t;
    await logIn(page, 'token');
    await waitForMfa(page);
    const code = widget(page).getByLabel('Enter the 6-digit code we sent you', { exact: true });
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    await code.fill('123456');
    await snap(page, '08-mfa-token');
    await submitMfa(page);
    await expectConnected(page);
    expectCleanRun();
  });

  it('answers an image MFA (characters in a picture)', async () => {
    const { page } = suite.t;
    await logIn(page, 'image');
    await waitForMfa(page);
    const picture = widget(page).locator('img[src^="data:image/"]');
    await picture.first().waitFor();
    // The data: image must really render under the CSP (img-src 'self' data:).
    expect(await picture.first().evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await widget(page).getByLabel('Type the characters in the picture', { exact: true }).fill('correct');
    await snap(page, '09-mfa-image');
    await submitMfa(page);
    await expectConnected(page);
    expectCleanRun();
  });

  it('answers an image-options MFA (pick the right picture)', async () => {
    const { page } = suite.t;
    await logIn(page, 'image_options');
    await waitForMfa(page);
    await widget(page).getByRole('radio', { name: 'A green square' }).check();
    await snap(page, '10-mfa-image-options');
    await submitMfa(page);
    await expectConnected(page);
    expectCleanRun();
  });

  it('goes through two MFA rounds: choose a phone, then enter the code', async () => {
    const { page } = suite.t;
    await logIn(page, 'two_round');
    await waitForMfa(page);
    await choose(page, 'Where should we send your one-time code?', 'Text (***) ***-1234');
    await submitMfa(page);
    const code = widget(page).getByLabel('Enter the 6-digit code we sent you', { exact: true });
    await code.waitFor();
    await snap(page, '11-mfa-second-round');
    await code.fill('123456');
    await submitMfa(page);
    await expectConnected(page);
    // Neither the chosen phone nor the code reach the host's events (metadata never carries answers).
    expect(await eventLog(page)).not.toContain('123456');
    expect(await eventLog(page)).not.toContain('phone_1234');
    expectCleanRun();
  });

  it('explains a duplicate member and offers the existing one', async () => {
    const { page } = suite.t;
    await logIn(page, 'same-password-twice');
    const first = await expectConnected(page);

    // Same browser, so same demo session and MX user: the same credentials make a duplicate (409).
    await logIn(page, 'same-password-twice');
    await widget(page).getByText('This account is already connected.').waitFor();
    await snap(page, '12-duplicate');
    await widget(page).getByRole('button', { name: 'Use the existing connection' }).click();
    expect(await expectConnected(page)).toBe(first);
    expectCleanRun();
  });

  it('tells the user to act at the bank when the account is LOCKED', async () => {
    const { page } = suite.t;
    await logIn(page, 'LOCKED');
    await widget(page).getByText('MX Bank needs your attention.').waitFor();
    const link = widget(page).getByRole('link', { name: /MX Bank/ });
    expect(await link.count()).toBeGreaterThan(0);
    expect(await link.first().getAttribute('href')).toMatch(/^https:\/\//);
    await snap(page, '13-locked');
    expect(await page.getByRole('status').filter({ hasText: 'onSuccess' }).count()).toBe(0);
    expectCleanRun();
  });

  it('connects an OAuth bank through the sandbox consent page in a popup', async () => {
    const { page } = suite.t;
    await searchAndPick(page, 'MX Bank (OAuth)');
    await widget(page).getByRole('heading', { name: 'Connect with MX Bank (OAuth)' }).waitFor();
    await snap(page, '14-oauth');
    const popupOpened = page.waitForEvent('popup');
    await widget(page).getByRole('button', { name: 'Go to MX Bank (OAuth)' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Authorize' }).waitFor();
    await snap(popup, '15-oauth-consent');
    const popupClosed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Authorize' }).click();
    await popupClosed;
    await expectConnected(page, 'mx_bank_oauth');
    await snap(page, '16-oauth-connected');
    expectCleanRun();
  });

  it('connects with the keyboard only', async () => {
    const { page } = suite.t;
    await page.goto('/');
    await pressUntilFocused(page, 'Tab', widget(page).getByRole('button', { name: 'Continue' }));
    await page.keyboard.press('Enter');
    const search = widget(page).getByRole('searchbox', { name: 'Search for your bank' });
    await pressUntilFocused(page, 'Tab', search);
    await page.keyboard.type('mx bank');
    const mxBank = searchResult(page, 'MX Bank');
    await pressUntilFocused(page, 'ArrowDown', mxBank, 10);
    await page.keyboard.press('Enter');

    const heading = widget(page).getByRole('heading', { name: 'Log in to MX Bank' });
    await heading.waitFor();
    // Opened by the person: focus is in the form (the first field), never lost to <body>.
    expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
    await pressUntilFocused(page, 'Tab', widget(page).getByLabel('Username', { exact: true }), 15);
    await page.keyboard.type('mxuser');
    await pressUntilFocused(page, 'Tab', widget(page).getByLabel('Password', { exact: true }), 5);
    await page.keyboard.type('keyboard-only');
    await page.keyboard.press('Enter');

    await expectConnected(page);
    expectCleanRun();
  });
});

describe('the demo page itself', () => {
  it('is served under the strict CSP, and a violation would be caught by these tests', async () => {
    const { page } = suite.t;
    const response = await page.goto('/');
    expect(response?.headers()['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    );
    await widget(page).getByRole('heading', { name: 'Fernway uses member-connect to link your bank' }).waitFor();
    expectCleanRun();

    // An inline script is what the CSP forbids; the recorder must see it, or every expectCleanRun() above is hollow.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.body.append(script);
    });
    await page.waitForFunction(() => document.readyState === 'complete');
    await expect.poll(() => suite.t.problems.cspViolations.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  });
});
