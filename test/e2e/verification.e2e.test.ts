// Verification mode through the BUILT demo in Chromium (issue 15 §2): a verification connect picks an account, the
// host's onSuccess names its guid, and no full account or routing number reaches the browser: not the page, not any
// response the browser received, not storage, not the events. The sandbox's full numbers are read afterwards from its
// API (served at /sandbox for this test only, DEMO_PUBLIC_SANDBOX) and searched for everywhere.
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index.ts';
import { builtDemoSuite } from '../support/builtDemoSuite.ts';
import { acceptConsent, searchResult, widget } from '../support/demoFlow.ts';

const suite = builtDemoSuite({ DEMO_PUBLIC_SANDBOX: '1' });

interface SandboxNumbers {
  account_guid: string;
  account_number: string;
  routing_number: string | null;
}

/** The partner's view: the member's full numbers, straight from the sandbox's MX API (the browser has no route to them). */
async function fullNumbers(memberGuid: string): Promise<SandboxNumbers[]> {
  const headers = {
    Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
    Accept: 'application/vnd.mx.api.v1+json',
  };
  const mx = (path: string) => fetch(`${suite.demo.url}/sandbox${path}`, { headers });
  const users = ((await (await mx('/users?records_per_page=1000')).json()) as { users: { guid: string }[] }).users;
  for (const { guid } of users) {
    const response = await mx(`/users/${guid}/members/${memberGuid}/account_numbers`);
    if (response.ok) return ((await response.json()) as { account_numbers: SandboxNumbers[] }).account_numbers;
  }
  throw new Error(`No sandbox user has member ${memberGuid}.`);
}

/** Every response body the browser received, as text (fonts and images included: a number could hide anywhere). */
function recordResponses(page: Page): () => Promise<string[]> {
  const bodies: Promise<string>[] = [];
  page.on('response', (response) => {
    bodies.push(
      response.body().then(
        (body) => `${response.url()}\n${body.toString('utf8')}`,
        // A redirect or an aborted request has no body to leak.
        () => '',
      ),
    );
  });
  return () => Promise.all(bodies);
}

describe('verification mode in the built demo', { timeout: 90_000 }, () => {
  it('picks an account, reports its guid in onSuccess, and never shows a full number to the browser', async () => {
    const { page } = suite.t;
    const responses = recordResponses(page);
    await page.goto('/?mode=verification');
    const consent = widget(page).getByRole('list');
    await expect.poll(() => consent.textContent()).toContain('Account and routing numbers');
    await acceptConsent(widget(page));
    await widget(page).getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
    await searchResult(page, 'MX Bank').click();
    await widget(page).getByLabel('Username', { exact: true }).fill('mxuser');
    await widget(page).getByLabel('Password', { exact: true }).fill('any-password');
    await widget(page).getByRole('button', { name: 'Continue' }).click();

    await widget(page).getByRole('heading', { name: 'Choose an account' }).waitFor();
    const savings = widget(page).getByRole('radio', { name: /^High-Yield Savings Savings ending in \d{4}$/ });
    await expect.poll(() => widget(page).getByRole('radio').count()).toBe(2);
    // Keyboard only: focus the first account, arrow to savings, Enter.
    await widget(page).getByRole('radio').first().focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => savings.isChecked()).toBe(true);
    await page.keyboard.press('Enter');

    await widget(page).getByRole('heading', { name: 'Connected', exact: true }).waitFor();
    const result = page.getByRole('status').filter({ hasText: 'onSuccess' });
    // The demo's backend read the numbers and sent back the last digits.
    await result.getByText(/Fernway’s backend read them from MX/).waitFor();
    const text = (await result.textContent()) ?? '';
    const memberGuid = /MBR-[\w-]+/.exec(text)?.[0] ?? '';
    const accountGuid = /Chosen for verification: High-Yield Savings (ACT-[\w-]+)/.exec(text)?.[1] ?? '';
    expect(memberGuid).not.toBe('');
    expect(accountGuid).not.toBe('');

    const numbers = await fullNumbers(memberGuid);
    expect(numbers.map((number) => number.account_guid)).toContain(accountGuid);
    const chosen = numbers.find((number) => number.account_guid === accountGuid);
    expect(text).toContain(`account ••${chosen?.account_number.slice(-4)}`);
    expect(text).toContain(`routing ••${chosen?.routing_number?.slice(-4)}`);
    // The demo server logged them masked too.
    expect(suite.demo.output()).toContain(`verified ${accountGuid}: account ••${chosen?.account_number.slice(-4)}`);

    const secrets = numbers.flatMap((number) => [number.account_number, number.routing_number ?? '']).filter(Boolean);
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const pageText = [await page.content(), await page.locator('body').innerText()];
    const storage = await page.evaluate(() =>
      JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]),
    );
    const events = (await page.getByRole('list', { name: 'Widget events, newest first' }).textContent()) ?? '';
    expect(events).toContain('accountSelect');
    const bodies = await responses();
    expect(bodies.length).toBeGreaterThan(10);
    // The search covers the widget's own answers, the accounts list (last four digits) among them.
    expect(bodies.some((body) => body.includes('/accounts') && body.includes('account_number_last_four'))).toBe(true);
    for (const secret of secrets) {
      for (const seen of [...pageText, storage, events, ...bodies]) expect(seen).not.toContain(secret);
      expect(suite.demo.output()).not.toContain(secret);
    }
    expect(suite.t.problems.cspViolations).toEqual([]);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });

  it('works through the SDK and its iframe: the mode crosses the handshake and the chosen account the success message', async () => {
    const { page } = suite.t;
    const responses = recordResponses(page);
    await page.goto('/sdk.html?mode=verification');
    await page.getByRole('button', { name: 'Show inline' }).click();
    const handle = await page.locator('iframe[title="Connect your bank account"]').elementHandle();
    const frame: Frame | null | undefined = await handle?.contentFrame();
    if (!frame) throw new Error('The SDK iframe has no frame.');
    await frame.getByText('Account and routing numbers').waitFor();
    await acceptConsent(frame);
    await frame.getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
    await frame
      .getByRole('listbox', { name: 'Search results' })
      .getByRole('option', { name: 'MX Bank', exact: true })
      .click();
    await frame.getByLabel('Username', { exact: true }).fill('mxuser');
    await frame.getByLabel('Password', { exact: true }).fill('any-password');
    await frame.getByRole('button', { name: 'Continue' }).click();
    await frame.getByRole('radio', { name: /^Everyday Checking/ }).check();
    await frame.getByRole('button', { name: 'Continue' }).click();

    const calls = page.getByRole('list', { name: 'Terminal callbacks, oldest first' }).getByRole('listitem');
    await calls.first().waitFor();
    const call = (await calls.allTextContents())[0] ?? '';
    expect(call).toMatch(/^onSuccess mxbank MBR-[\w-]+ ACT-[\w-]+$/);
    const [, memberGuid = '', accountGuid = ''] = call.split(' ').slice(1);
    await page
      .getByRole('status')
      .getByText(/Everyday Checking: Fernway’s backend read them from MX/)
      .waitFor();
    const numbers = await fullNumbers(memberGuid);
    expect(numbers[0]?.account_guid).toBe(accountGuid);
    const secrets = numbers.flatMap((number) => [number.account_number, number.routing_number ?? '']).filter(Boolean);
    const seen = [await page.content(), await frame.content(), ...(await responses())];
    for (const secret of secrets) for (const text of seen) expect(text).not.toContain(secret);
    expect(suite.t.problems.cspViolations).toEqual([]);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });
});
