import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, waitFor } from 'storybook/test';

import { en } from '../../src/widget/copy';
import { ConnectWidget } from '../../src/widget/ConnectWidget';
import { PROXY_URL } from '../support/storyBackend';
import { connectMxBank, expectHeading, installBackendFromParameters, SLOW, withStoryTiming } from '../support/storyWidget';

/**
 * `<ConnectWidget>` against the real proxy and sandbox (running in this page, answered through MSW). Type a scenario
 * password on MX Bank (user `mxuser`) to reach any state: see docs/sandbox.md.
 */
const meta = {
  title: 'widget/ConnectWidget',
  component: ConnectWidget,
  decorators: [withStoryTiming],
  beforeEach: async (context) => {
    await installBackendFromParameters(context);
  },
  args: { proxyUrl: PROXY_URL, colorScheme: 'light', onSuccess: fn(), onExit: fn(), onEvent: fn() },
  parameters: { layout: 'centered' },
} satisfies Meta<typeof ConnectWidget>;

export default meta;
type Story = StoryObj<typeof meta>;

/** What a user first sees: the partner's favourite institutions and the search box. */
export const Start: Story = {
  play: async ({ canvas }) => {
    await expectHeading(canvas, en.searchHeading);
    await expect(await canvas.findByRole('button', { name: /^MX Bank$/ }, SLOW)).toBeVisible();
  },
};

/** The whole happy path, driven like a person: search, pick MX Bank, log in, connected; `onSuccess` once. */
export const WholeFlow: Story = {
  play: async ({ canvas, args }) => {
    await connectMxBank(canvas, 'any-password');
    await expectHeading(canvas, en.connectedHeading);
    await expect(canvas.getByText('Your MX Bank account is connected.')).toBeVisible();
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
    await expect(args.onExit).not.toHaveBeenCalled();
  },
};
