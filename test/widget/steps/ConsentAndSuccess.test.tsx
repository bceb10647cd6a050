import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const FERNWAY = {
  name: 'Fernway',
  logoUrl: 'https://fernway.example/logo.png',
  privacyPolicyUrl: 'https://fernway.example/privacy',
};

async function logIn(user: ReturnType<typeof renderWidget>['user'], password = 'any-password') {
  // The username may be kept from an earlier attempt in this widget.
  await user.clear(await screen.findByLabelText('Username'));
  await user.type(screen.getByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('consent', { timeout: 20_000 }, () => {
  it('says who asks, what they will see and where the password goes, then Continue opens search', async () => {
    const { user, container, eventTypes } = renderWidget({
      skipConsent: false,
      partner: FERNWAY,
      dataRequested: ['accountDetails', 'accountNumbers'],
    });
    const heading = screen.getByRole('heading', { name: 'Fernway uses member-connect to link your bank' });
    // The first screen never takes focus from the host page.
    expect(heading).not.toHaveFocus();
    const items = within(screen.getByRole('list'))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(items).toEqual(['Account names and types', 'Account and routing numbers']);
    expect(
      screen.getByText(
        'Your bank password goes only to the bank’s secure connection partner and is never visible to Fernway.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Read Fernway’s privacy policy/ })).toHaveAttribute(
      'href',
      FERNWAY.privacyPolicyUrl,
    );
    expect(container.querySelector('img')).toHaveAttribute('src', FERNWAY.logoUrl);
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    expect(eventTypes()).toContain('mx/connect/stepChange');
  });

  it('names "this app" and lists the default data without a partner, and shows no unsafe logo', async () => {
    const { container } = renderWidget({ skipConsent: false, partner: { name: ' ', logoUrl: 'javascript:alert(1)' } });
    expect(screen.getByRole('heading', { name: 'This app uses member-connect to link your bank' })).toBeInTheDocument();
    const items = within(screen.getByRole('list'))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(items).toEqual(['Account names and types', 'Balances', 'Transactions']);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('comes before a deep link too, which Continue then opens', async () => {
    const { user } = renderWidget({ skipConsent: false, institutionCode: 'mxbank', partner: FERNWAY });
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByLabelText('Username')).toBeInTheDocument();
  });
});

describe('success', { timeout: 30_000 }, () => {
  it('shows the connected accounts, reports them in onSuccess, and Done hands back to the host', async () => {
    const onDone = vi.fn();
    const { user, onSuccess, container } = renderWidget({ institutionCode: 'mxbank', partner: FERNWAY, onDone });
    await logIn(user);
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 8000 });
    expect(screen.getByText('You connected MX Bank to Fernway.')).toBeInTheDocument();
    const accounts = await screen.findByRole('list', { name: 'Connected accounts' });
    const rows = within(accounts).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(accounts).toHaveTextContent(/Checking ending in \d{4}/);
    expect(accounts).toHaveTextContent(/Savings ending in \d{4}/);
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    const [result] = onSuccess.mock.calls[0] ?? [];
    expect(result?.accounts.length).toBe(rows.length);
    for (const account of result?.accounts ?? []) {
      expect(Object.keys(account).sort()).toEqual(['guid', 'lastFour', 'name', 'type']);
      expect(account.lastFour).toMatch(/^\d{4}$/);
    }
    await expectNoAxeViolations(container);

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(onDone).toHaveBeenCalledTimes(1);
    const another = screen.getByRole('button', { name: 'Connect another account' });
    expect(another).toHaveFocus();
    expect(screen.getByText('All done: these accounts are now connected to Fernway.')).toBeInTheDocument();

    // A new session: its own terminal callback.
    await user.click(another);
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    await user.type(screen.getByRole('searchbox', { name: 'Search for your bank' }), 'mx bank');
    await user.click(
      within(await screen.findByRole('listbox', { name: 'Search results' })).getByRole('option', { name: 'MX Bank' }),
    );
    // Other credentials: the same ones would be a duplicate of the first member.
    await logIn(user, 'another-password');
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 8000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(2));
  });
});
