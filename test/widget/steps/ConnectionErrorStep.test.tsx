// MX's own `connection_status_message` on the error step (issue 12 §6): the widget's sentence says what happened and
// what to do; the bank's English words sit folded under "Message from {bank}", marked lang="en", only where they can
// add something, and never as a second sentence beside ours.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const LOCKED_MESSAGE = "Your account is locked. Please log in to MX Bank's website to unlock it.";

async function connectWith(password: string, props: Parameters<typeof renderWidget>[0] = {}) {
  const rendered = renderWidget({ institutionCode: 'mxbank', ...props });
  const { user } = rendered;
  await user.type(await screen.findByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: /^(Continue|Continuar)$/ }));
  return rendered;
}

describe("the bank's own message on the error step", { timeout: 20_000 }, () => {
  it('LOCKED: our sentence on screen, the bank’s words folded under "Message from MX Bank"', async () => {
    const { user, container } = await connectWith('LOCKED');
    await screen.findByRole('heading', { name: 'MX Bank needs your attention.' }, { timeout: 4000 });
    const summary = await screen.findByText('Message from MX Bank', {}, { timeout: 4000 });
    const details = summary.closest('details');
    expect(details).not.toBeNull();
    expect(details).not.toHaveAttribute('open');
    const message = within(details as HTMLElement).getByText(LOCKED_MESSAGE);
    expect(message).toHaveAttribute('lang', 'en');
    // Said once: the bank's sentence is nowhere but in its fold.
    expect(container.querySelectorAll('.mc-institution-message')).toHaveLength(1);
    await user.click(summary);
    expect(details).toHaveAttribute('open');
    await expectNoAxeViolations(container);
  });

  it('in Spanish, the fold says the message is in English, and the message is marked lang="en"', async () => {
    await connectWith('LOCKED', { locale: 'es' });
    await screen.findByRole('heading', { name: 'MX Bank necesita tu atención.' }, { timeout: 4000 });
    const summary = await screen.findByText('Mensaje de MX Bank (en inglés)', {}, { timeout: 4000 });
    const message = within(summary.closest('details') as HTMLElement).getByText(LOCKED_MESSAGE);
    expect(message).toHaveAttribute('lang', 'en');
    expect(message.closest('.mc-root')).toHaveAttribute('lang', 'es');
  });

  it('a wrong MFA answer (REJECTED) shows our sentence only: MX’s "The answer you provided was incorrect." adds nothing', async () => {
    const { user } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username'), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'challenge');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.type(await screen.findByLabelText('What city were you born in?', {}, { timeout: 4000 }), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByRole('heading', { name: 'That answer was not accepted.' }, { timeout: 4000 });
    // Time for a member read (an in-process answer) to land, had the step made one: the widget once showed MX's
    // sentence here under its own, in a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(screen.queryByText(/The answer you provided was incorrect/)).toBeNull();
    expect(screen.queryByText(/^Message from/)).toBeNull();
  });
});
