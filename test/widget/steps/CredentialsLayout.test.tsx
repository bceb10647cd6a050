import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { getCatalogue } from '../../../src/server/sandbox/catalogue';
import { withoutOwnNumber } from '../../../src/widget/steps/CredentialsStep/InstitutionHelp';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

describe('credentials layout', { timeout: 20_000 }, () => {
  it('puts the fields first, then the recovery links, then the folded instructions, numbered once', async () => {
    const institution = getCatalogue().all.find(
      (i) =>
        !i.supports_oauth &&
        !i.code.startsWith('fault_') &&
        (i.instructional_text_steps?.length ?? 0) > 0 &&
        i.forgot_password_url,
    );
    if (institution === undefined) throw new Error('the sandbox has no institution with instruction steps');
    const { container } = renderWidget({ institutionCode: institution.code });
    const submit = await screen.findByRole('button', { name: 'Continue' }, { timeout: 4000 });
    const forgot = screen.getByRole('link', { name: /^Forgot password\?/ });
    const summary = screen.getByText(`Instructions from ${institution.name}`);
    const firstInput = container.querySelector('form input:not([type=hidden])');
    expect(firstInput).not.toBeNull();
    const follows = (a: Node, b: Node) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    expect(follows(firstInput as Node, submit)).toBe(true);
    expect(follows(submit, forgot)).toBe(true);
    expect(follows(forgot, summary)).toBe(true);
    // Folded away until asked for, inside a native details/summary.
    const details = summary.closest('details');
    expect(details).not.toHaveAttribute('open');
    const steps = within(details as HTMLElement).getAllByRole('listitem');
    expect(steps[0]).toHaveTextContent(/^Sign in with your online banking username\./);
    expect(steps.map((step) => step.textContent).join(' ')).not.toMatch(/Step \d/);
    expect(screen.getByText('Private and secure')).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it.each([
    ['Step 1: Sign in.', 'Sign in.'],
    ['step 2 - Approve it', 'Approve it'],
    ['3. Done', 'Done'],
    ['Stepping stones', 'Stepping stones'],
    ['10 accounts at most', '10 accounts at most'],
  ])('strips an institution-made number from %j', (step, expected) => {
    expect(withoutOwnNumber(step)).toBe(expected);
  });

  it('focuses the first field when the person opened the step, and warns about Caps Lock on the password', async () => {
    const { user } = renderWidget();
    await user.type(screen.getByLabelText('Search for your bank'), 'mx bank');
    await user.click(await screen.findByRole('option', { name: 'MX Bank' }));
    const username = await screen.findByLabelText('Username');
    expect(username).toHaveFocus();

    const password = screen.getByLabelText('Password');
    fireEvent.keyDown(password, { key: 'A', modifierCapsLock: true });
    expect(screen.getByText('Caps Lock is on.')).toBeInTheDocument();
    expect(password).toHaveAccessibleDescription('Caps Lock is on.');
    fireEvent.keyUp(password, { key: 'CapsLock', modifierCapsLock: false });
    expect(screen.queryByText('Caps Lock is on.')).toBeNull();
    expect(password).not.toHaveAttribute('aria-describedby');
  });

  it('never steals focus from the host page on a deep-linked first screen', async () => {
    renderWidget({ institutionCode: 'mxbank' });
    expect(await screen.findByLabelText('Username')).not.toHaveFocus();
  });

  it('says "This field is required." whatever the label, and focuses the field', async () => {
    const { user } = renderWidget({ institutionCode: 'mxbank' });
    await user.click(await screen.findByRole('button', { name: 'Continue' }, { timeout: 4000 }));
    expect(screen.getByLabelText('Username')).toHaveAccessibleDescription('This field is required.');
    expect(screen.getByLabelText('Username')).toHaveFocus();
  });

  it('shows the bank and the security cue on MFA; an unanswered choice says "Choose an option." and focuses the first option', async () => {
    const { user, container } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username', {}, { timeout: 4000 }), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'options');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'MX Bank needs more information' }, { timeout: 4000 });
    expect(await screen.findByText('Private and secure', {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'MX Bank logo' })).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Submit' }, { timeout: 4000 }));
    const group = screen.getByRole('group');
    expect(group).toHaveAttribute('aria-invalid', 'true');
    expect(group).toHaveAccessibleDescription('Choose an option.');
    expect(within(group).getAllByRole('radio')[0]).toHaveFocus();
    await expectNoAxeViolations(container);
  });

  it('gives the IMAGE_DATA picture a text alternative that says what it is', async () => {
    const { user } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username', {}, { timeout: 4000 }), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'image');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(
      await screen.findByRole('img', { name: 'Security picture for this question' }, { timeout: 4000 }),
    ).toBeInTheDocument();
  });
});
