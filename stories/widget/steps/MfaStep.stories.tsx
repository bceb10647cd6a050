import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor } from 'storybook/test';

import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en } from '../../../src/widget/copy';
import { createManualClock } from '../../support/manualClock';
import { expectHeading, logIn, SLOW, widgetMeta } from '../../support/storyWidget';

/** MX Bank (deep link), user `mxuser`, with the sandbox's MFA scenario passwords (docs/sandbox.md). */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/MfaStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, institutionCode: 'mxbank' },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

const MFA_HEADING = 'MX Bank needs more information';
const submit = (canvas: Parameters<NonNullable<Story['play']>>[0]['canvas']) =>
  userEvent.click(canvas.getByRole('button', { name: en.mfaSubmit }));

export const Text: Story = {
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'challenge');
    await expectHeading(canvas, MFA_HEADING);
    await userEvent.type(await canvas.findByRole('textbox', { name: 'What city were you born in?' }, SLOW), 'correct');
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
  },
};

export const Options: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'options');
    await userEvent.click(await canvas.findByRole('radio', { name: 'correct' }, SLOW));
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
  },
};

export const Token: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'token');
    const input = await canvas.findByRole('textbox', { name: 'Enter the 6-digit code we sent you' }, SLOW);
    await expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    await userEvent.type(input, '123456');
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
  },
};

export const ImageData: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'image');
    await userEvent.type(
      await canvas.findByRole('textbox', { name: 'Type the characters in the picture' }, SLOW),
      'correct',
    );
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
  },
};

export const ImageOptions: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'image_options');
    await expect(await canvas.findByRole('group', { name: 'Choose your security image' }, SLOW)).toBeVisible();
    await userEvent.click(canvas.getByRole('radio', { name: 'A green square' }));
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
  },
};

/** One round with three challenges, answered together. */
export const SeveralChallenges: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'multi_challenge');
    await userEvent.type(await canvas.findByRole('textbox', { name: 'What city were you born in?' }, SLOW), 'correct');
    await userEvent.click(canvas.getByRole('radio', { name: 'correct' }));
    await userEvent.type(canvas.getByRole('textbox', { name: 'Enter the 6-digit code we sent you' }), '123456');
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
  },
};

/** Where to send the code, then the code: two rounds. */
export const SecondRound: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'two_round');
    await userEvent.click(await canvas.findByRole('radio', { name: 'Text (***) ***-1234' }, SLOW));
    await submit(canvas);
    const token = await canvas.findByRole('textbox', { name: 'Enter the 6-digit code we sent you' }, SLOW);
    await expectHeading(canvas, MFA_HEADING);
    await userEvent.type(token, '123456');
    await submit(canvas);
    await expectHeading(canvas, en.connectedHeading);
  },
};

/** A wrong answer with no further question: the user may start again. */
export const Rejected: Story = {
  play: async ({ canvas }) => {
    await logIn(canvas, 'challenge');
    await userEvent.type(await canvas.findByRole('textbox', { name: 'What city were you born in?' }, SLOW), 'Atlantis');
    await submit(canvas);
    await expectHeading(canvas, en.rejectedTitle);
    await expect(canvas.getByRole('button', { name: en.startAgain })).toBeVisible();
  },
};

const clock = createManualClock();
const EXPIRY_MS = 60_000;

/**
 * The answer comes after the challenge ran out (stopped sandbox clock, moved past the expiry). The resume is refused
 * (405), so the widget re-reads the member's status and shows the EXPIRED outcome: never the raw refusal text.
 */
export const Expired: Story = {
  parameters: { backend: { now: clock.now, aggregationMs: 1000, challengeExpiryMs: EXPIRY_MS } },
  beforeEach: () => clock.reset(),
  play: async ({ canvas, canvasElement }) => {
    await logIn(canvas, 'challenge');
    await expectHeading(canvas, 'Connecting to MX Bank');
    clock.advance(1000);
    await expectHeading(canvas, MFA_HEADING);
    await expect(await canvas.findByRole('textbox', { name: 'What city were you born in?' }, SLOW)).toBeVisible();
    clock.advance(EXPIRY_MS);
    // The widget learns it when the user answers too late.
    await userEvent.type(canvas.getByRole('textbox', { name: 'What city were you born in?' }), 'correct');
    await submit(canvas);
    await expectHeading(canvas, en.expiredTitle);
    await expect(canvas.getByRole('button', { name: en.startAgain })).toBeVisible();
    await expect(canvasElement.textContent).not.toMatch(/CHALLENGED|connection_status/);
  },
};
