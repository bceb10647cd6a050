// How a person moves through the demo partner page (src/demo/PartnerPage.tsx) with the widget inside it. Strings are
// the widget's English copy (src/widget/copy.ts) and the demo page's own labels; locators go by role and label only.
import type { Locator, Page } from 'playwright-core';

/** The widget, inside the demo's "Bank connection" card. */
export function widget(page: Page): Locator {
  return page.getByRole('region', { name: 'Bank connection' });
}

/** The consent screen the demo partner (Fernway) shows first: Continue leads on. */
export async function acceptConsent(scope: Pick<Page, 'getByRole'> | Locator): Promise<void> {
  await scope.getByRole('heading', { name: 'Fernway uses member-connect to link your bank' }).waitFor();
  await scope.getByRole('button', { name: 'Continue' }).click();
}

/** The institution's option in the search results (not in the favourites shown before the search runs). */
export function searchResult(page: Page, institution: string): Locator {
  return widget(page)
    .getByRole('listbox', { name: 'Search results' })
    .getByRole('option', { name: institution, exact: true });
}

/** Opens the demo page, searches "mx bank" and picks `institution` from the results. */
export async function searchAndPick(page: Page, institution: string): Promise<void> {
  await page.goto('/');
  await acceptConsent(widget(page));
  await widget(page).getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
  await searchResult(page, institution).click();
}

/** Logs in to MX Bank as `username` with `password` (the password picks the sandbox scenario). */
export async function logInToMxBank(page: Page, password: string, username = 'mxuser'): Promise<void> {
  await searchAndPick(page, 'MX Bank');
  await widget(page).getByRole('heading', { name: 'Log in to MX Bank' }).waitFor();
  await widget(page).getByLabel('Username', { exact: true }).fill(username);
  await widget(page).getByLabel('Password', { exact: true }).fill(password);
  await widget(page).getByRole('button', { name: 'Continue' }).click();
}

/** The heading of the step the widget shows, matched exactly. */
export function stepHeading(page: Page, name: string): Locator {
  return widget(page).getByRole('heading', { name, exact: true });
}

/** The host page's "Result" live region, where the demo prints onSuccess / onExit. */
export function hostResult(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /onSuccess|onExit|Not connected yet/ });
}
