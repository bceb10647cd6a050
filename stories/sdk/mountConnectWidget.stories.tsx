import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';

import { MountConnectWidgetOptionsReference } from '../support/MountConnectWidgetOptionsReference';

const meta = {
  title: 'sdk/mountConnectWidget',
  component: MountConnectWidgetOptionsReference,
  tags: ['autodocs'],
  args: { frameUrl: 'https://partner.example/connect/frame/', sessionToken: 'token-from-your-backend' },
} satisfies Meta<typeof MountConnectWidgetOptionsReference>;
export default meta;

export const Options: StoryObj<typeof meta> = {
  play: async ({ canvas }) => {
    await expect(canvas.getByText(/mountConnectWidget\(\{/)).toBeVisible();
  },
};
