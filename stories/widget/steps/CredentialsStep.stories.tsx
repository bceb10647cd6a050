import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor } from 'storybook/test';

import { MXBANK_CODE, MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../../src/server/sandbox/index';
import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en } from '../../../src/widget/copy';
import { expectHeading, logIn, SLOW, widgetMeta } from '../../support/storyWidget';

/** Each story starts at an institution's login through the `institutionCode` deep link. */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/CredentialsStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

/** One story per credential layout the sandbox catalogue has; each shows the institution header and its fields. */
const layout = (institutionCode: string, name: string, labels: (string | { radio: string })[]): Story => ({
  args: { institutionCode },
  play: async ({ canvas }) => {
    await expectHeading(canvas, `Log in to ${name}`);
    for (const label of labels) {
      // The heading shows at once; the fields follow when their definitions arrive.
      const control =
        typeof label === 'string'
          ? await canvas.findByLabelText(label, {}, SLOW)
          : await canvas.findByRole('radio', { name: label.radio }, SLOW);
      await expect(control).toBeVisible();
    }
    await expect(canvas.getByRole('button', { name: en.submit })).toBeEnabled();
  },
});

export const MxBank = layout('mxbank', 'MX Bank', ['Username', 'Password']);
export const WithMemberNumber = layout('ashenglen_cooperative_bank', 'Ashenglen Cooperative Bank', [
  'User ID',
  'Password',
  'Member number',
]);
export const WithAccountType = layout('nettlefield_credit_union', 'Nettlefield Credit Union', [
  'Username',
  'Password',
  { radio: 'Personal' },
]);
export const RadioFirst = layout('maplefield_trust_company', 'Maplefield Trust Company', [
  { radio: 'North region' },
  'Username',
  'Password',
]);
export const CheckboxAndHidden = layout('thistledale_cooperative_bank', 'Thistledale Cooperative Bank', [
  'Customer ID',
  'Password',
  'Remember this device',
]);
export const WithLinks = layout('cedarford_savings_bank', 'Cedarford Savings Bank', ['Username', 'Password']);
export const WithSiteKeyImage = layout('orioledale_mutual_bank', 'Orioledale Mutual Bank', ['Username', 'Password']);
export const WithCaptcha = layout('ashenfen_cooperative_bank', 'Ashenfen Cooperative Bank', [
  'Username',
  'Password',
  'Type the characters in the picture',
]);
export const WithImageChoice = layout('saffronridge_mutual_bank', 'Saffronridge Mutual Bank', [
  'Username',
  'Password',
  { radio: 'Sailboat' },
]);
export const CustomAndCludge = layout('mossford_community_bank', 'Mossford Community Bank', [
  'Company ID',
  'Operator ID',
  'Password',
]);
export const WithUserKey = layout('mossfen_credit_union', 'Mossfen Credit Union', ['Username', 'Password']);
export const WithToken = layout('thistleshore_savings_and_loan', 'Thistleshore Savings & Loan', [
  'Username',
  'Password',
  'Security token code',
]);

export const ValidationErrors: Story = {
  args: { institutionCode: 'mxbank' },
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: en.submit }, SLOW));
    await expect(await canvas.findAllByText(en.fieldRequired)).toHaveLength(2);
    await expect(canvas.getByLabelText('Password')).toHaveAccessibleDescription(en.fieldRequired);
    await expect(canvas.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
  },
};

/** The create-member request never answers: the button says so and cannot be pressed twice. */
export const Submitting: Story = {
  args: { institutionCode: 'mxbank' },
  parameters: { backend: { hang: [{ path: /\/members$/, method: 'POST' }] } },
  play: async ({ canvas }) => {
    await logIn(canvas, 'any-password');
    const button = await canvas.findByRole('button', { name: en.submitting }, SLOW);
    // Busy, yet still focusable: aria-disabled rather than disabled, so keyboard focus never drops to <body>.
    await expect(button).toHaveAttribute('aria-disabled', 'true');
    await expect(button).toHaveFocus();
  },
};

/** MX's `INVALID` password: the bank says no, the user is back on the form with the reason. */
export const Rejected: Story = {
  args: { institutionCode: 'mxbank' },
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'INVALID');
    const alert = await canvas.findByRole('alert', {}, SLOW);
    await expect(alert).toHaveTextContent(en.deniedTitle);
    await expect(alert).toHaveTextContent(en.deniedReason);
    // Still logging in: the heading stays, the password is what to fix.
    await expectHeading(canvas, 'Log in to MX Bank');
    await expect(canvas.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(args.onSuccess).not.toHaveBeenCalled();
  },
};

/** The user already connected MX Bank with these credentials: the sandbox answers 409 and the widget explains. */
export const Duplicate: Story = {
  args: { institutionCode: 'mxbank' },
  parameters: {
    backend: {
      members: [
        {
          institution_code: MXBANK_CODE,
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: 'same-password' },
          ],
        },
      ],
    },
  },
  play: async ({ canvas }) => {
    await logIn(canvas, 'same-password');
    const alert = await canvas.findByRole('alert', {}, SLOW);
    await expect(alert).toHaveTextContent(en.duplicateTitle);
    await expect(alert).toHaveTextContent('You have already connected MX Bank with these credentials');
    await userEvent.click(await canvas.findByRole('button', { name: en.useExisting }, SLOW));
    await expectHeading(canvas, en.connectedHeading);
  },
};

/** Institutions whose member requests fail in the sandbox: each failure kind as the user sees it after submitting. */
const submitFailure = (institutionCode: string, expected: string): Story => ({
  args: { institutionCode },
  play: async ({ canvas }) => {
    await logIn(canvas, 'any-password');
    const alert = await canvas.findByRole('alert', {}, { timeout: 25_000 });
    await expect(alert).toHaveTextContent(en.submitError);
    await expect(alert).toHaveTextContent(expected);
    await waitFor(() => expect(canvas.getByRole('button', { name: en.submit })).toBeEnabled());
  },
});
export const FailureServerError = submitFailure('fault_500_bank', en.serverError);
export const FailureUnavailable = submitFailure('fault_503_bank', en.serverError);
export const FailureRateLimited = submitFailure('fault_429_bank', en.rateLimited);
export const FailureDroppedConnection = submitFailure('fault_drop_bank', en.serverError);
export const FailureMalformedAnswer = submitFailure('fault_malformed_bank', en.serverError);
