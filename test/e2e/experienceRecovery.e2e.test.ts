// Leaving and coming back (issue 12 §5), as a person does it: the BUILT demo in Debian's Chromium, by role and label.
// The exit question and staying, the OAuth window closed by the person (and a bank page that cannot reach ours),
// LOCKED then Try again, an expired session started again, and the exit question inside the SDK's iframe modal.
import type { Frame, Locator, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { builtDemoSuite } from '../support/builtDemoSuite.ts';

const suite = builtDemoSuite();

type Scope = Page | Frame | Locator;

function widget(page: Page): Locator {
  return page.getByRole('region', { name: 'Bank connection' });
}

/** Past the consent pane when the widget shows one, to the search box. */
async function toSearch(scope: Scope): Promise<Locator> {
  const search = scope.getByRole('searchbox', { name: 'Search for your bank' });
  const consent = scope.getByRole('button', { name: 'Continue', exact: true });
  await search.or(consent).first().waitFor();
  if (await consent.isVisible()) await consent.click();
  await search.waitFor();
  return search;
}

/** Searches "mx bank" and picks `institution` from the results (options of a listbox, or buttons of a list). */
async function pick(scope: Scope, institution: string) {
  await (await toSearch(scope)).fill('mx bank');
  const results = scope
    .getByRole('listbox', { name: 'Search results' })
    .or(scope.getByRole('list', { name: 'Search results' }));
  await results
    .getByRole('option', { name: institution, exact: true })
    .or(results.getByRole('button', { name: institution, exact: true }))
    .click();
}

async function logIn(scope: Scope, password: string) {
  await pick(scope, 'MX Bank');
  await scope.getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
  await scope.getByLabel('Username', { exact: true }).fill('mxuser');
  await scope.getByLabel('Password', { exact: true }).fill(password);
  await scope.getByRole('button', { name: 'Continue', exact: true }).click();
}

const isFocused = (locator: Locator) => locator.evaluate((element) => element === element.ownerDocument.activeElement);

function expectCleanRun() {
  expect(suite.t.problems.cspViolations).toEqual([]);
  expect(suite.t.problems.pageErrors).toEqual([]);
}

describe('leaving and coming back', () => {
  it('asks before leaving once something was typed; Stay keeps the step and every value; Exit closes and offers Start again', async () => {
    const { page } = suite.t;
    await page.goto('/');
    const w = widget(page);
    await pick(w, 'MX Bank');
    await w.getByLabel('Username', { exact: true }).fill('mxuser');
    await w.getByLabel('Password', { exact: true }).fill('typed-secret');

    await w.getByRole('button', { name: 'Close', exact: true }).click();
    const question = w.getByRole('alertdialog', { name: 'Exit?' });
    await question.waitFor();
    expect(await question.textContent()).toContain('What you entered will be lost.');
    expect(await isFocused(question.getByRole('button', { name: 'Stay' }))).toBe(true);
    // Keyboard only: Tab stays inside the question, Enter on Stay answers it.
    await page.keyboard.press('Tab');
    expect(await isFocused(question.getByRole('button', { name: 'Exit' }))).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'detached' });
    await w.getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
    expect(await w.getByLabel('Username', { exact: true }).inputValue()).toBe('mxuser');
    expect(await w.getByLabel('Password', { exact: true }).inputValue()).toBe('typed-secret');
    expect(await isFocused(w.getByRole('button', { name: 'Close', exact: true }))).toBe(true);

    await w.getByRole('button', { name: 'Close', exact: true }).click();
    await question.getByRole('button', { name: 'Exit' }).click();
    await w.getByRole('heading', { name: 'Connection closed' }).waitFor();
    expect(await w.textContent()).not.toMatch(/close this window/i);
    await w.getByRole('button', { name: 'Start again' }).click();
    await w.getByRole('heading', { name: 'Select your institution' }).waitFor();
    expectCleanRun();
  });

  it('notices the OAuth window the person closed, offers to reopen it, and the bank page never gets our window', async () => {
    const { page, context } = suite.t;
    await page.goto('/');
    const w = widget(page);
    await pick(w, 'MX Bank (OAuth)');
    await w.getByRole('heading', { name: 'Connect with MX Bank (OAuth)' }).waitFor();
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      w.getByRole('button', { name: 'Go to MX Bank (OAuth)' }).click(),
    ]);
    await popup.waitForURL(/\/oauth\/authorize\//);
    await popup.getByRole('button', { name: 'Authorize' }).waitFor();
    // issue 13 item 9: a hostile bank page cannot navigate (or message) the partner's page.
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    // While the bank's window is legitimately open, nothing says "Try again".
    await w.getByText(/Waiting for you to finish/).waitFor();
    expect(await w.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await w.getByRole('button', { name: 'Return to the MX Bank (OAuth) window' }).waitFor();

    await popup.close();
    await w
      .getByRole('alert')
      .filter({ hasText: 'The MX Bank (OAuth) window was closed before you finished.' })
      .waitFor();
    const reopen = w.getByRole('button', { name: 'Reopen MX Bank (OAuth)' });
    const [second] = await Promise.all([context.waitForEvent('page'), reopen.click()]);
    await second.waitForURL(/\/oauth\/authorize\//);
    expect(await second.evaluate(() => window.opener)).toBeNull();
    // Completion is learnt from the member's status, not from a message to an opener that no longer exists.
    await second.getByRole('button', { name: 'Authorize' }).click();
    await w.getByRole('heading', { name: 'Connected', exact: true }).waitFor();
    expectCleanRun();
  });

  it('LOCKED offers Try again (after fixing it at the bank) and another bank, besides Close', async () => {
    const { page } = suite.t;
    await page.goto('/');
    const w = widget(page);
    await logIn(w, 'LOCKED');
    const heading = w.getByRole('heading', { name: 'MX Bank needs your attention.' });
    await heading.waitFor();
    expect(await w.getByRole('link', { name: /Go to MX Bank website/ }).count()).toBe(1);
    await w.getByRole('button', { name: 'Choose another bank' }).waitFor();
    await w.getByRole('button', { name: 'Try again' }).click();
    // A real second attempt: the connecting step, then (the sandbox member is still locked) the same screen.
    await w.getByRole('heading', { name: 'Connecting to MX Bank' }).waitFor();
    await heading.waitFor();
    expect(await isFocused(heading)).toBe(true);
    await w.getByRole('button', { name: 'Choose another bank' }).click();
    await w.getByRole('heading', { name: 'Select your institution' }).waitFor();
    expectCleanRun();
  });

  it('an expired session offers Start again, which starts a fresh session', async () => {
    const { page } = suite.t;
    await page.goto('/');
    const w = widget(page);
    await pick(w, 'MX Bank');
    await w.getByLabel('Username', { exact: true }).waitFor();
    // The session runs out: every call is refused until the partner's backend has a fresh one.
    const expire = (route: Route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":{"message":"Session expired."}}' });
    await page.route('**/api/connect/**', expire);
    await w.getByLabel('Username', { exact: true }).fill('mxuser');
    await w.getByLabel('Password', { exact: true }).fill('anything');
    await w.getByRole('button', { name: 'Continue', exact: true }).click();
    await w.getByText('Your session has expired. Start again to continue.').waitFor();
    await page.unroute('**/api/connect/**', expire);
    await w.getByRole('button', { name: 'Start again' }).click();
    await w.getByRole('heading', { name: 'Select your institution' }).waitFor();
    await logIn(w, 'anything');
    await w.getByRole('heading', { name: 'Connected', exact: true }).waitFor();
    expectCleanRun();
  });

  it('asks inside the SDK iframe modal too: Escape and a backdrop click ask, Stay keeps the value, Exit ends with one onExit', async () => {
    const { page } = suite.t;
    await page.goto('/sdk.html');
    await page.getByRole('button', { name: 'Open in a dialog' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect your bank account' });
    await dialog.waitFor();
    const frame = page.frameLocator('iframe[title="Connect your bank account"]');
    // The frame page: one main landmark, one h1 (named like the dialog), the widget's steps under it as h2.
    await expect
      .poll(() => frame.getByRole('heading', { level: 1, name: 'Connect your bank account' }).count())
      .toBe(1);
    expect(await frame.getByRole('main').count()).toBe(1);
    expect(await frame.getByRole('heading', { level: 1 }).count()).toBe(1);
    await pick(frame.locator('body'), 'MX Bank');
    const username = frame.getByLabel('Username', { exact: true });
    await username.fill('mxuser');

    await username.press('Escape');
    const question = frame.getByRole('alertdialog', { name: 'Exit?' });
    await question.waitFor();
    await question.getByRole('button', { name: 'Stay' }).click();
    await question.waitFor({ state: 'detached' });
    expect(await username.inputValue()).toBe('mxuser');

    // A click on the backdrop (outside the dialog) never ends the flow silently.
    await page.mouse.click(4, 4);
    await question.waitFor();
    expect(await dialog.count()).toBe(1);
    await question.getByRole('button', { name: 'Exit' }).click();
    await dialog.waitFor({ state: 'detached' });
    const calls = await page
      .getByRole('list', { name: 'Terminal callbacks, oldest first' })
      .getByRole('listitem')
      .allTextContents();
    expect(calls).toEqual(['onExit userCancelled']);
    expectCleanRun();
  });
});
