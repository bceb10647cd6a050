import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, within } from 'storybook/test';

import { FERNWAY } from '../../../src/demo/fernwayPartner';
import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en } from '../../../src/widget/copy';
import { expectHeading, SLOW, widgetMeta } from '../../support/storyWidget';

/** The first screen: who asks, what they will see, where the password goes (issue 12 §1). */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/ConsentStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, skipConsent: false, partner: FERNWAY },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'Fernway uses member-connect to link your bank');
    const list = within(canvas.getByRole('list'));
    await expect(list.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      en.dataAccountDetails,
      en.dataBalances,
      en.dataTransactions,
    ]);
    await expect(canvas.getByRole('link', { name: /Read Fernway’s privacy policy/ })).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: en.consentContinue }));
    await expect(await canvas.findByRole('heading', { name: en.searchHeading }, SLOW)).toHaveFocus();
  },
};

/** Verification: the host asks for account and routing numbers. */
export const AccountNumbers: Story = {
  args: { dataRequested: ['accountDetails', 'accountNumbers'] },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(en.dataAccountNumbers, {}, SLOW)).toBeVisible();
    await expect(canvas.queryByText(en.dataTransactions)).toBeNull();
  },
};

/** No partner given: the widget says "This app" and shows no logo or policy link. */
export const NoPartner: Story = {
  args: { partner: undefined },
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'This app uses member-connect to link your bank');
    await expect(canvas.queryByRole('link')).toBeNull();
  },
};

export const Dark: Story = {
  args: { colorScheme: 'dark' },
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'Fernway uses member-connect to link your bank');
  },
};

export const Spanish: Story = {
  args: { locale: 'es' },
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'Fernway usa member-connect para vincular tu banco');
  },
};

export const CanadianFrench: Story = {
  args: { locale: 'fr-CA', colorScheme: 'dark' },
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'Fernway utilise member-connect pour lier votre banque');
  },
};
