import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor } from 'storybook/test';

import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { decideOAuth, type FakePopup, stubWindowOpen } from '../../support/fakePopup';
import { expectHeading, SLOW, widgetMeta } from '../../support/storyWidget';

/** MX Bank (OAuth), reached by deep link. The popup is stubbed (see fakePopup.ts); the sandbox decides. */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/OAuthStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, institutionCode: 'mx_bank_oauth' },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

let popup: FakePopup | null = null;
const withPopup = (mode: 'opens' | 'blocked') => () => {
  popup = stubWindowOpen(mode);
  return () => popup?.restore();
};
const openedUrl = async (): Promise<string> => {
  let url: string | null = null;
  await waitFor(() => {
    url = popup?.url() ?? null;
    expect(url).not.toBeNull();
  }, SLOW);
  return url as unknown as string;
};

export const Start: Story = {
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'Connect with MX Bank (OAuth)');
    await expect(await canvas.findByRole('button', { name: 'Go to MX Bank (OAuth)' }, SLOW)).toBeEnabled();
  },
};

export const Waiting: Story = {
  beforeEach: withPopup('opens'),
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Go to MX Bank (OAuth)' }, SLOW));
    await expect(
      await canvas.findByText('Waiting for you to finish in the MX Bank (OAuth) window…', {}, SLOW),
    ).toBeVisible();
    await expect(await openedUrl()).toMatch(/\/oauth\/authorize\//);
  },
};

export const PopupBlocked: Story = {
  beforeEach: withPopup('blocked'),
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Go to MX Bank (OAuth)' }, SLOW));
    const alert = await canvas.findByRole('alert', {}, SLOW);
    await expect(alert).toHaveTextContent('Your browser blocked the window.');
    await expect(canvas.getByRole('link', { name: /Open MX Bank \(OAuth\) to log in/ })).toHaveAttribute(
      'href',
      expect.stringMatching(/\/oauth\/authorize\//),
    );
  },
};

/** The user presses Deny on the bank's consent page; the widget learns it from polling and offers to try again. */
export const Denied: Story = {
  beforeEach: withPopup('opens'),
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Go to MX Bank (OAuth)' }, SLOW));
    await decideOAuth(await openedUrl(), 'deny');
    await expect(await canvas.findByRole('alert', {}, SLOW)).toHaveTextContent(
      'The connection was not completed at MX Bank (OAuth).',
    );
    await expect(canvas.getByRole('button', { name: 'Try again' })).toBeEnabled();
    await expect(canvas.getByRole('button', { name: 'Choose another bank' })).toBeVisible();
  },
};

/** The user authorizes: the widget keeps polling and connects. */
export const Authorized: Story = {
  beforeEach: withPopup('opens'),
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Go to MX Bank (OAuth)' }, SLOW));
    await decideOAuth(await openedUrl(), 'authorize');
    await expectHeading(canvas, 'Connected');
  },
};
