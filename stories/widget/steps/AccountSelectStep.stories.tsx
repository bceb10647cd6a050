import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, type Mock, userEvent, waitFor, within } from 'storybook/test';

import { FERNWAY } from '../../../src/demo/fernwayPartner';
import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en, formatMessage } from '../../../src/widget/copy';
import { expectHeading, logIn, searchFor, SLOW, widgetMeta } from '../../support/storyWidget';

/**
 * Verification mode (issue 15 §2): MX's verification job, then the person picks the checking or savings account to
 * share. Only names, types and the last four digits are shown. MX Bank by deep link unless the story searches.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/AccountSelectStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, mode: 'verification', institutionCode: 'mxbank', partner: FERNWAY },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Several accounts: the checking and savings accounts as a radio group (the card and the loan are not offered). */
export const SeveralAccounts: Story = {
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'any-password');
    await expectHeading(canvas, en.accountSelectHeading);
    const group = await canvas.findByRole('group', { name: 'Accounts at MX Bank' }, SLOW);
    const radios = within(group).getAllByRole('radio');
    await expect(radios).toHaveLength(2);
    await expect(group).toHaveTextContent(/Checking •• \d{4}/);
    await expect(group).toHaveTextContent(/Savings •• \d{4}/);
    await expect(group).not.toHaveTextContent(/Visa|Loan/);
    // Keyboard only: Tab into the group, arrow to savings, Enter.
    await userEvent.click(canvas.getByRole('button', { name: en.submit }));
    await expect(await canvas.findByText(en.accountSelectRequired)).toBeVisible();
    await expect(radios[0]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    await userEvent.keyboard('{Enter}');
    await expectHeading(canvas, en.connectedHeading);
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1), SLOW);
    const [result] = (args.onSuccess as Mock<NonNullable<typeof args.onSuccess>>).mock.calls[0] ?? [];
    await expect(result?.account?.type).toBe('SAVINGS');
    await expect(canvas.getByRole('list', { name: en.chosenAccountHeading })).toHaveTextContent(/High-Yield Savings/);
  },
};

/** The account choice on its own, waiting for the person (the screen to look at, in dark). */
export const Choosing: Story = {
  args: { colorScheme: 'dark' },
  play: async ({ canvas }) => {
    await logIn(canvas, 'any-password');
    await canvas.findByRole('group', { name: 'Accounts at MX Bank' }, SLOW);
    await expect(canvas.getByRole('heading', { name: en.accountSelectHeading })).toHaveFocus();
  },
};

/** The person has only a card and a loan at the bank: a designed state with a way on, not a dead end. */
export const NoneEligible: Story = {
  parameters: { backend: { hideAccountTypes: ['CHECKING', 'SAVINGS'] } },
  play: async ({ canvas }) => {
    await logIn(canvas, 'any-password');
    const title = formatMessage(en.noEligibleTitle, { institution: 'MX Bank' });
    await expectHeading(canvas, title);
    await expect(canvas.getByRole('heading', { name: title })).toHaveFocus();
    await userEvent.click(canvas.getByRole('button', { name: en.chooseAnotherBank }));
    await expectHeading(canvas, en.searchHeading);
  },
};

/** A bank MX cannot verify at: marked in search, and explained (before any login) when chosen anyway. */
export const UnsupportedBank: Story = {
  args: { institutionCode: undefined },
  play: async ({ canvas }) => {
    await searchFor(canvas, 'fernford');
    // In the results, not in the favourites (Fernford is one) that the results replace.
    const results = await canvas.findByRole('listbox', { name: en.resultsHeading }, SLOW);
    const option = within(results).getByRole('option', { name: `Fernford Credit Union ${en.verificationUnavailable}` });
    await expect(within(option).getByText(en.verificationUnavailable)).toBeVisible();
    await userEvent.click(option);
    const title = formatMessage(en.verificationUnavailableTitle, { institution: 'Fernford Credit Union' });
    await expectHeading(canvas, title);
    await expect(canvas.queryByLabelText('Password')).toBeNull();
    await expect(canvas.getByRole('button', { name: en.chooseAnotherBank })).toBeVisible();
  },
};

/**
 * MX refuses the verification job (400) at a bank that supports it (the sandbox's `400` fault on `POST …/verify`):
 * after the login, the same explanation as for an unsupported bank, with focus on it and a way on.
 */
export const VerificationRefused: Story = {
  parameters: { backend: { faults: [{ path: /\/members\/[^/]+\/verify$/, method: 'POST', fault: '400' }] } },
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'any-password');
    const title = formatMessage(en.verificationUnavailableTitle, { institution: 'MX Bank' });
    await expectHeading(canvas, title);
    await waitFor(() => expect(canvas.getByRole('heading', { name: title })).toHaveFocus());
    await expect(canvas.queryByRole('group', { name: 'Accounts at MX Bank' })).toBeNull();
    await userEvent.click(canvas.getByRole('button', { name: en.chooseAnotherBank }));
    await expectHeading(canvas, en.searchHeading);
    await expect(args.onSuccess).not.toHaveBeenCalled();
  },
};

/** The consent pane in verification mode names the account and routing numbers. */
export const Consent: Story = {
  args: { skipConsent: false, locale: 'fr-CA' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Numéros de compte, de transit et d’institution', {}, SLOW)).toBeVisible();
  },
};
