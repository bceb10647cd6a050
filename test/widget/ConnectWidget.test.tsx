import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { expectNoAxeViolations, renderWidget } from '../support/renderWidget';

async function chooseMxBank(user: ReturnType<typeof renderWidget>['user']) {
  await user.type(screen.getByLabelText('Search for your bank'), 'mx bank');
  const results = await screen.findByRole('listbox', { name: 'Search results' });
  await user.click(within(results).getByRole('option', { name: 'MX Bank' }));
  await screen.findByRole('heading', { name: 'Log in to MX Bank' });
}

async function logIn(user: ReturnType<typeof renderWidget>['user'], password: string) {
  await user.type(await screen.findByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('ConnectWidget', { timeout: 20_000 }, () => {
  it('has no accessibility violations on the search step', async () => {
    const { container } = renderWidget();
    await screen.findByRole('listbox', { name: 'Popular institutions' });
    await expectNoAxeViolations(container);
  });

  it('connects MX Bank with mxuser and any password, and calls onSuccess once', async () => {
    const { user, onSuccess, onExit, eventTypes, container } = renderWidget();
    await chooseMxBank(user);
    await expectNoAxeViolations(container);
    await logIn(user, 'any-password');
    expect(await screen.findByRole('heading', { name: 'Connected' }, { timeout: 3000 })).toHaveFocus();
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(onSuccess).toHaveBeenCalledWith({
      memberGuid: expect.stringMatching(/^MBR-/),
      institutionCode: 'mxbank',
      accounts: expect.any(Array),
    });
    expect(onExit).not.toHaveBeenCalled();
    expect(eventTypes()).toEqual(
      expect.arrayContaining([
        'mx/connect/loaded',
        'mx/connect/institutionSearch',
        'mx/connect/selectedInstitution',
        'mx/connect/enterCredentials',
        'mx/connect/memberStatusUpdate',
        'mx/connect/memberConnected',
      ]),
    );
    await expectNoAxeViolations(container);
  });

  it('shows the reason on the form when the bank denies the credentials (INVALID)', async () => {
    const { user, onSuccess, onExit, onEvent } = renderWidget();
    await chooseMxBank(user);
    await logIn(user, 'INVALID');
    const alert = await screen.findByRole('alert', {}, { timeout: 3000 });
    // One title and one sentence, under the heading the person started with.
    expect(alert).toHaveTextContent(
      /^The credentials were not accepted\.The username or password is not correct\. Check them and try again\.$/,
    );
    expect(screen.getByRole('heading', { name: 'Log in to MX Bank' })).toBeInTheDocument();
    // The username is kept, the password is not; the password is what to fix, so it is marked and focused.
    expect(screen.getByLabelText('Username')).toHaveValue('mxuser');
    const password = screen.getByLabelText('Password');
    expect(password).toHaveValue('');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(password).toHaveFocus());
    expect(onSuccess).not.toHaveBeenCalled();
    expect(onExit).not.toHaveBeenCalled();
    // Nothing a user typed reaches the host.
    expect(JSON.stringify(onEvent.mock.calls)).not.toContain('INVALID');
  });

  it('connects after a DENIED retry by updating the same member', async () => {
    const { user, onSuccess, onEvent } = renderWidget();
    await chooseMxBank(user);
    await logIn(user, 'INVALID');
    await screen.findByRole('alert', {}, { timeout: 3000 });
    await user.type(screen.getByLabelText('Password'), 'good-password');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 3000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    const created = onEvent.mock.calls.map(([e]) => e).find((e) => e.type === 'mx/connect/updateCredentials');
    expect(created?.metadata).toMatchObject({ institution: { code: 'mxbank' } });
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onSuccess.mock.calls[0]?.[0].memberGuid).toBe((created?.metadata as { member_guid: string }).member_guid);
  });
});
