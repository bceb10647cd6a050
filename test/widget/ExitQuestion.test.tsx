import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { expectNoAxeViolations, renderWidget } from '../support/renderWidget';

describe('leaving the widget', { timeout: 20_000 }, () => {
  it('closes at once while nothing was typed and no member exists', async () => {
    const { user, onExit } = renderWidget({ institutionCode: 'mxbank' });
    await screen.findByLabelText('Username', {}, { timeout: 4000 });
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'userCancelled', institutionCode: 'mxbank' }));
  });

  it('asks first once something was typed; Stay keeps every value and the step, and gives focus back', async () => {
    const { user, onExit, container } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username', {}, { timeout: 4000 }), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'secret');
    const close = screen.getByRole('button', { name: 'Close' });
    await user.click(close);

    const question = screen.getByRole('alertdialog', { name: 'Exit?' });
    expect(question).toHaveAccessibleDescription('What you entered will be lost.');
    expect(screen.getByRole('button', { name: 'Stay' })).toHaveFocus();
    // The step underneath is out of reach while the question is open.
    expect(screen.getByLabelText('Username').closest('[inert]')).not.toBeNull();
    await expectNoAxeViolations(container);
    // Tab stays inside the question.
    await user.tab();
    expect(screen.getByRole('button', { name: 'Exit' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Stay' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Stay' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Log in to MX Bank' })).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveValue('mxuser');
    expect(screen.getByLabelText('Password')).toHaveValue('secret');
    expect(screen.getByLabelText('Username').closest('[inert]')).toBeNull();
    expect(close).toHaveFocus();
    expect(onExit).not.toHaveBeenCalled();
  });

  it('treats Escape inside the question as Stay, and Exit as leaving', async () => {
    const { user, onExit } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username', {}, { timeout: 4000 }), 'mxuser');
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByLabelText('Username')).toHaveValue('mxuser');

    await user.click(screen.getByRole('button', { name: 'Close' }));
    await user.click(screen.getByRole('button', { name: 'Exit' }));
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'userCancelled', institutionCode: 'mxbank' }));
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('asks when the host calls close() while a member exists, and close({ force: true }) skips the question', async () => {
    const { user, onExit, handle } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username', {}, { timeout: 4000 }), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'challenge');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    // The MFA step is a fresh form: nothing typed on it yet, but the member exists.
    await screen.findByRole('heading', { name: 'MX Bank needs more information' }, { timeout: 4000 });
    act(() => handle.current?.close());
    expect(await screen.findByRole('alertdialog', { name: 'Exit?' })).toBeInTheDocument();
    expect(onExit).not.toHaveBeenCalled();
    act(() => handle.current?.close({ force: true }));
    await waitFor(() =>
      expect(onExit).toHaveBeenCalledWith({
        reason: 'userCancelled',
        institutionCode: 'mxbank',
        memberGuid: expect.stringMatching(/^MBR-/),
      }),
    );
  });
});
