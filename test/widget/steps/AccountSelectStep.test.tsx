// Verification mode end to end in jsdom, against the real sandbox behind the real proxy (issue 15 §2): the member is
// created without an aggregation and verified, the person picks a checking or savings account, and onSuccess names it.
// Full account numbers exist in the sandbox afterwards and appear nowhere in the widget.
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createFakeBackend, type FakeBackend } from '../../support/fakeBackend';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const SANDBOX_ORIGIN = 'http://sandbox.test';

type Rendered = ReturnType<typeof renderWidget>;

async function logIn({ user }: Rendered, password = 'any-password') {
  await user.type(await screen.findByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

/** The full numbers the sandbox holds for the member (what the partner's backend reads). */
async function accountNumbers(backend: FakeBackend, memberGuid: string) {
  const user = await backend.userGuid();
  const response = await backend.sandboxRequest(`/users/${user}/members/${memberGuid}/account_numbers`);
  const body = (await response.json()) as {
    account_numbers: { account_guid: string; account_number: string; routing_number: string }[];
  };
  return body.account_numbers;
}

const upstream = (backend: FakeBackend, method: string, pattern: RegExp) =>
  backend.calls().filter((call) => call.method === method && pattern.test(call.path));

describe('verification mode', { timeout: 30_000 }, () => {
  afterEach(() => vi.restoreAllMocks());

  it('verifies MX Bank, lists only checking and savings (masked), and reports the chosen account', async () => {
    const backend = createFakeBackend();
    const rendered = renderWidget({ mode: 'verification' }, { backend });
    const { user, container, onSuccess, onEvent, eventTypes } = rendered;
    // Search marks the bank that cannot verify, in its accessible name too.
    expect(
      await screen.findByRole('option', { name: /Fernford Credit Union.*Verification not available/ }),
    ).toBeVisible();
    expect(screen.getByRole('option', { name: 'MX Bank' })).toBeInTheDocument();
    await user.click(screen.getByRole('option', { name: 'MX Bank' }));
    await logIn(rendered);

    const heading = await screen.findByRole('heading', { name: 'Choose an account' }, { timeout: 8000 });
    await waitFor(() => expect(heading).toHaveFocus());
    // Created without an aggregation, then one verification job: MX Connect's way.
    expect(upstream(backend, 'POST', /\/members$/)).toHaveLength(1);
    expect(upstream(backend, 'POST', /\/members\/[^/]+\/verify$/)).toHaveLength(1);
    expect(upstream(backend, 'POST', /\/aggregate$/)).toHaveLength(0);

    const group = await screen.findByRole('group', { name: 'Accounts at MX Bank' });
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((radio) => radio.closest('label')?.textContent)).toEqual([
      expect.stringMatching(/^Everyday Checking Checking •• \d{4}Checking ending in \d{4}$/),
      expect.stringMatching(/^High-Yield Savings Savings •• \d{4}Savings ending in \d{4}$/),
    ]);
    expect(screen.getByRole('radio', { name: /^Everyday Checking Checking ending in \d{4}$/ })).toBeInTheDocument();
    expect(group).not.toHaveTextContent(/Visa|Loan/);
    await expectNoAxeViolations(container);

    // Continue without a choice says so and puts focus on the group.
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Choose an account to continue.');
    expect(radios[0]).toHaveFocus();
    // Keyboard only: arrow to the savings account, Enter submits.
    await user.keyboard('{ArrowDown}');
    expect(radios[1]).toBeChecked();
    await user.keyboard('{Enter}');

    await screen.findByRole('heading', { name: 'Connected' });
    const chosenList = screen.getByRole('list', { name: 'Chosen account' });
    expect(within(chosenList).getAllByRole('listitem')).toHaveLength(1);
    expect(chosenList).toHaveTextContent(/High-Yield Savings/);
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    const result = onSuccess.mock.calls[0]?.[0];
    expect(result?.account).toEqual({
      guid: expect.stringMatching(/^ACT-/),
      name: 'High-Yield Savings',
      type: 'SAVINGS',
      lastFour: expect.stringMatching(/^\d{4}$/),
    });
    expect(result?.accounts.map((account) => account.type)).toEqual(['CHECKING', 'SAVINGS', 'CREDIT_CARD', 'LOAN']);
    expect(eventTypes()).toContain('mx/connect/stepChange');
    expect(onEvent.mock.calls.map(([event]) => event.metadata)).toContainEqual({
      previous: 'connecting',
      current: 'accountSelect',
    });

    // The sandbox now has the full numbers; none reached the page, the callbacks or the events.
    const numbers = await accountNumbers(backend, result?.memberGuid ?? '');
    expect(numbers.map((number) => number.account_guid)).toContain(result?.account?.guid);
    const seen = [document.body.innerHTML, JSON.stringify(onSuccess.mock.calls), JSON.stringify(onEvent.mock.calls)];
    for (const number of numbers) {
      for (const text of seen) {
        expect(text).not.toContain(number.account_number);
        expect(text).not.toContain(number.routing_number);
      }
    }
  });

  it('says "account and routing numbers" on the consent screen in every locale', async () => {
    const first = renderWidget({ mode: 'verification', skipConsent: false });
    expect(
      within(screen.getByRole('list'))
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Account names and types', 'Account and routing numbers']);
    first.unmount();
    // A host that lists other data still gets the numbers named.
    const second = renderWidget({
      mode: 'verification',
      skipConsent: false,
      dataRequested: ['balances'],
      locale: 'es',
    });
    expect(await screen.findByText('Números de cuenta y de ruta')).toBeInTheDocument();
    expect(screen.getByText('Saldos')).toBeInTheDocument();
    second.unmount();
    renderWidget({ mode: 'verification', skipConsent: false, locale: 'fr-CA' });
    expect(await screen.findByText('Numéros de compte, de transit et d’institution')).toBeInTheDocument();
  });

  it('explains a bank that cannot verify before anything is sent, and goes back to search', async () => {
    const backend = createFakeBackend();
    const { user, container } = renderWidget({ mode: 'verification' }, { backend });
    await user.click(await screen.findByRole('option', { name: /Fernford Credit Union/ }));
    const heading = await screen.findByRole('heading', {
      name: 'Verification isn’t available at Fernford Credit Union.',
    });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.queryByLabelText('Password')).toBeNull();
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Choose another bank' }));
    await screen.findByRole('heading', { name: 'Select your institution' });
    expect(upstream(backend, 'POST', /\/members/)).toHaveLength(0);
  });

  it('in aggregation mode marks nothing and connects Fernford as before', async () => {
    renderWidget();
    expect(await screen.findByRole('option', { name: 'Fernford Credit Union' })).toBeInTheDocument();
    expect(screen.queryByText('Verification not available')).toBeNull();
  });

  it('answers MFA within the verification job and verifies only once', async () => {
    const backend = createFakeBackend();
    const rendered = renderWidget({ mode: 'verification', institutionCode: 'mxbank' }, { backend });
    await logIn(rendered, 'challenge');
    await rendered.user.type(await screen.findByLabelText('What city were you born in?'), 'correct');
    await rendered.user.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByRole('heading', { name: 'Choose an account' }, { timeout: 8000 });
    expect(upstream(backend, 'POST', /\/verify$/)).toHaveLength(1);
  });

  it('verifies an OAuth member after the consent, which itself runs no job', async () => {
    const backend = createFakeBackend();
    let popup: { closed: boolean; opener: unknown; location: { replace: ReturnType<typeof vi.fn> } } | undefined;
    vi.spyOn(window, 'open').mockImplementation(() => {
      popup = { closed: false, opener: window, location: { replace: vi.fn() } };
      return popup as unknown as Window;
    });
    const { user, onSuccess } = renderWidget({ mode: 'verification' }, { backend });
    await user.click(await screen.findByRole('option', { name: 'MX Bank (OAuth)' }));
    await user.click(await screen.findByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    await waitFor(() => expect(popup?.location.replace).toHaveBeenCalledTimes(1));
    const uri = popup?.location.replace.mock.calls[0]?.[0] as string;
    const page = await (await backend.sandbox.request(uri)).text();
    const session = /name="session" value="([^"]+)"/.exec(page)?.[1] ?? '';
    await backend.sandbox.request(`${SANDBOX_ORIGIN}/oauth/decision`, {
      method: 'POST',
      body: new URLSearchParams({ session, decision: 'authorize', opener_origin: window.location.origin }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    await user.click(await screen.findByRole('radio', { name: /^Everyday Checking/ }, { timeout: 8000 }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(onSuccess.mock.calls[0]?.[0].account?.name).toBe('Everyday Checking');
    expect(upstream(backend, 'POST', /\/verify$/)).toHaveLength(1);
  });

  it("turns MX's refusal to verify into a designed error with a way on", async () => {
    // The sandbox's 400 fault on the verify call: MX refusing the job at a bank that supports it.
    const backend = createFakeBackend({
      faults: [{ path: /\/members\/[^/]+\/verify$/, method: 'POST', fault: '400' }],
    });
    const rendered = renderWidget({ mode: 'verification', institutionCode: 'mxbank' }, { backend });
    await logIn(rendered);
    await screen.findByRole('heading', { name: 'Verification isn’t available at MX Bank.' }, { timeout: 8000 });
    await rendered.user.click(screen.getByRole('button', { name: 'Choose another bank' }));
    await screen.findByRole('heading', { name: 'Select your institution' });
  });

  it('shows a designed state when the bank has no checking or savings account', async () => {
    // The sandbox's own answer without the deposit accounts: a person with only a card and a loan at MX Bank.
    const backend = createFakeBackend({ hideAccountTypes: ['CHECKING', 'SAVINGS'] });
    const rendered = renderWidget({ mode: 'verification', institutionCode: 'mxbank' }, { backend });
    await logIn(rendered);
    const heading = await screen.findByRole(
      'heading',
      { name: 'No checking or savings account at MX Bank' },
      { timeout: 8000 },
    );
    await waitFor(() => expect(heading).toHaveFocus());
    await expectNoAxeViolations(rendered.container);
    // Closing asks first (a member exists), as on every step.
    await rendered.user.click(screen.getByRole('button', { name: 'Close' }));
    await rendered.user.click(await screen.findByRole('button', { name: 'Exit' }));
    await waitFor(() =>
      expect(rendered.onExit).toHaveBeenCalledWith(expect.objectContaining({ reason: 'userCancelled' })),
    );
    expect(rendered.onSuccess).not.toHaveBeenCalled();
  });
});
