import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor } from 'storybook/test';

import type { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { es } from '../../src/widget/locales/es';
import { decideOAuth, type FakePopup, stubWindowOpen } from '../support/fakePopup';
import { expectHeading, logIn, SLOW, widgetMeta } from '../support/storyWidget';

/**
 * Leaving and coming back (issue 12 §5): the exit question, every error's way forward, the closed screen, the
 * wrong-password screen on a phone, and the OAuth window the person closed. Each runs the real widget on the in-page
 * sandbox, and axe checks each one.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/Recovery',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, institutionCode: 'mxbank' },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Something typed, then Close: the question, with Stay focused. */
export const ExitQuestion: Story = {
  play: async ({ canvas }) => {
    await userEvent.type(await canvas.findByLabelText('Username', {}, SLOW), 'mxuser');
    await userEvent.click(canvas.getByRole('button', { name: en.close }));
    const question = await canvas.findByRole('alertdialog', { name: en.exitTitle });
    await expect(question).toBeVisible();
    await expect(canvas.getByRole('button', { name: en.exitStay })).toHaveFocus();
  },
};

/** Stay: the question goes, the step and the typed value are as they were. */
export const ExitQuestionStayed: Story = {
  play: async (context) => {
    await ExitQuestion.play?.(context);
    const { canvas } = context;
    await userEvent.click(canvas.getByRole('button', { name: en.exitStay }));
    await expect(canvas.getByLabelText('Username')).toHaveValue('mxuser');
    await expect(canvas.queryByRole('alertdialog')).toBeNull();
  },
};

/** The closed screen inline: what happened, and Start again (no "close this window" where there is none). */
export const Closed: Story = {
  play: async ({ canvas }) => {
    await canvas.findByLabelText('Username', {}, SLOW);
    await userEvent.click(canvas.getByRole('button', { name: en.close }));
    await expectHeading(canvas, en.closedHeading);
    await expect(canvas.getByRole('button', { name: en.startAgain })).toBeVisible();
  },
};

/** Wrong password on a 375 px phone: heading kept, one title and one sentence, the password marked and focused. */
export const WrongPasswordOnPhone: Story = {
  globals: { viewport: { value: 'phone' } },
  play: async ({ canvas }) => {
    await logIn(canvas, 'INVALID');
    const alert = await canvas.findByRole('alert', {}, SLOW);
    await expect(alert).toHaveTextContent(en.deniedTitle);
    await expectHeading(canvas, 'Log in to MX Bank');
    const password = canvas.getByLabelText('Password');
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(password).toHaveFocus());
    // The message is on screen, above the field that took focus.
    const box = alert.getBoundingClientRect();
    await expect(box.top).toBeGreaterThanOrEqual(0);
    await expect(box.bottom).toBeLessThanOrEqual(window.innerHeight);
  },
};

/**
 * A failure reached with a sandbox password (docs/sandbox.md): its heading, and the ways forward it offers besides
 * Close (issue 12 §5).
 */
function wayForward(password: string, heading: string, actions: readonly string[]): Story {
  return {
    play: async ({ canvas }) => {
      await logIn(canvas, password);
      await expectHeading(canvas, heading);
      for (const name of [...actions, en.close]) await expect(canvas.getByRole('button', { name })).toBeVisible();
    },
  };
}

/** LOCKED: fix it at the bank, then Try again; or another bank; or Close. */
export const LockedWayForward = wayForward('LOCKED', 'MX Bank needs your attention.', [en.retry, en.chooseAnotherBank]);

/** A problem at the institution (FAILED): Try again, another bank, Close. */
export const FailedWayForward = wayForward('SERVER_ERROR', 'MX Bank is having trouble.', [
  en.retry,
  en.chooseAnotherBank,
]);

/** DISCONTINUED cannot be retried here: another bank is the way forward. */
export const UnavailableWayForward = wayForward('STATUS_DISCONTINUED', en.unavailableTitle, [en.chooseAnotherBank]);

/**
 * In Spanish, LOCKED: the widget's sentence, and MX's English message folded under "Mensaje de MX Bank (en inglés)",
 * marked lang="en", opened here. It is never shown beside ours as a second sentence (issue 12 §6).
 */
export const LockedBankMessageInSpanish: Story = {
  args: { locale: 'es' },
  play: async ({ canvas }) => {
    await userEvent.type(await canvas.findByLabelText('Username', {}, SLOW), 'mxuser');
    await userEvent.type(canvas.getByLabelText('Password'), 'LOCKED');
    await userEvent.click(canvas.getByRole('button', { name: es.submit }));
    await expectHeading(canvas, 'MX Bank necesita tu atención.');
    const summary = await canvas.findByText('Mensaje de MX Bank (en inglés)', {}, SLOW);
    await userEvent.click(summary);
    const message = canvas.getByText("Your account is locked. Please log in to MX Bank's website to unlock it.");
    await expect(message).toBeVisible();
    await expect(message).toHaveAttribute('lang', 'en');
  },
};

let popup: FakePopup | null = null;

/** An OAuth story: window.open stubbed with a window the play function controls, and the bank's window opened. */
function oauthStory(play: (canvas: Parameters<NonNullable<Story['play']>>[0]['canvas']) => Promise<void>): Story {
  return {
    args: { institutionCode: 'mx_bank_oauth' },
    beforeEach: () => {
      popup = stubWindowOpen('opens');
      return () => popup?.restore();
    },
    play: async ({ canvas }) => {
      await userEvent.click(await canvas.findByRole('button', { name: 'Go to MX Bank (OAuth)' }, SLOW));
      await play(canvas);
    },
  };
}

/** The person closed the bank's window before finishing: said within seconds, with Reopen. */
export const OAuthWindowClosed = oauthStory(async (canvas) => {
  await canvas.findByText('Waiting for you to finish in the MX Bank (OAuth) window…', {}, SLOW);
  popup?.closeWindow();
  const alert = await canvas.findByRole('alert', {}, SLOW);
  await expect(alert).toHaveTextContent('The MX Bank (OAuth) window was closed before you finished.');
  await expect(canvas.getByRole('button', { name: 'Reopen MX Bank (OAuth)' })).toBeVisible();
});

/** Denied at the bank: what happened and what to do. */
export const OAuthDenied = oauthStory(async (canvas) => {
  let url: string | null = null;
  await waitFor(() => {
    url = popup?.url() ?? null;
    return expect(url).not.toBeNull();
  }, SLOW);
  await decideOAuth(url as unknown as string, 'deny');
  const alert = await canvas.findByRole('alert', {}, SLOW);
  await expect(alert).toHaveTextContent('open MX Bank (OAuth) again and allow access');
});
