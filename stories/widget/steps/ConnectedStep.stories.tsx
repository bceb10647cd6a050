import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, type Mock, userEvent, waitFor, within } from 'storybook/test';

import { FERNWAY } from '../../../src/demo/fernwayPartner';
import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en } from '../../../src/widget/copy';
import { OneSessionPerMountContext } from '../../../src/widget/flowContext';
import { createManualClock } from '../../support/manualClock';
import { expectHeading, logIn, SLOW, widgetMeta } from '../../support/storyWidget';

/** Connecting (stages read from the status) and success with the accounts (issue 12 §4). MX Bank by deep link. */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/ConnectedStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, institutionCode: 'mxbank', partner: FERNWAY },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

type Canvas = ReturnType<typeof within>;

const AGGREGATION_MS = 1000;
const clock = createManualClock();

function stage(canvas: Canvas, name: string) {
  // The stage list (the live region repeats the current stage's name for screen readers).
  return within(canvas.getByRole('list')).getByText(name).closest('li');
}

/** The sandbox clock stands still at each phase: verifying, then syncing accounts, then finishing. */
export const ConnectingStages: Story = {
  parameters: { backend: { now: clock.now, aggregationMs: AGGREGATION_MS } },
  beforeEach: () => clock.reset(),
  play: async ({ canvas }) => {
    await logIn(canvas, 'any-password');
    await expectHeading(canvas, 'Connecting to MX Bank');
    await expect(canvas.getByRole('progressbar', { name: en.stagesLabel })).toBeVisible();
    await expect(stage(canvas, en.stageVerifying)).toHaveAttribute('aria-current', 'step');
    clock.advance(AGGREGATION_MS);
    await waitFor(() => expect(stage(canvas, en.stageSyncing)).toHaveAttribute('aria-current', 'step'), SLOW);
    await expect(stage(canvas, en.stageVerifying)).toHaveAttribute('data-state', 'done');
    clock.advance(AGGREGATION_MS / 2);
    await waitFor(() => expect(stage(canvas, en.stageFinishing)).toHaveAttribute('aria-current', 'step'), SLOW);
  },
};

/** The accounts that were connected, masked to the last four digits. */
export const WithAccounts: Story = {
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'any-password');
    await expectHeading(canvas, en.connectedHeading);
    await expect(canvas.getByText('You connected MX Bank to Fernway.')).toBeVisible();
    const list = await canvas.findByRole('list', { name: en.accountsHeading }, SLOW);
    await expect(list).toHaveTextContent(/Checking •• \d{4}/);
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1), SLOW);
    const [result] = (args.onSuccess as Mock<NonNullable<typeof args.onSuccess>>).mock.calls[0] ?? [];
    await expect(result?.accounts.length).toBe(within(list).getAllByRole('listitem').length);
  },
};

/** After Done: the host hears onDone; inline, the widget offers another connection instead of a frozen screen. */
export const AfterDone: Story = {
  args: { colorScheme: 'dark' },
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'any-password');
    await canvas.findByRole('list', { name: en.accountsHeading }, SLOW);
    await userEvent.click(canvas.getByRole('button', { name: en.done }));
    await expect(args.onDone).toHaveBeenCalledTimes(1);
    await expect(canvas.getByRole('button', { name: en.connectAnother })).toHaveFocus();
  },
};

/**
 * After Done in the SDK's frame (one session per mount): onDone, the confirmation takes focus, and no "Connect another
 * account", whose second session the SDK's host could not hear about.
 */
export const AfterDoneInTheSdkFrame: Story = {
  decorators: [
    (Story) => (
      <OneSessionPerMountContext.Provider value={true}>
        <Story />
      </OneSessionPerMountContext.Provider>
    ),
  ],
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'any-password');
    await canvas.findByRole('list', { name: en.accountsHeading }, SLOW);
    await userEvent.click(canvas.getByRole('button', { name: en.done }));
    await expect(args.onDone).toHaveBeenCalledTimes(1);
    await expect(canvas.getByText('All done: these accounts are now connected to Fernway.')).toHaveFocus();
    await expect(canvas.queryByRole('button', { name: en.connectAnother })).toBeNull();
  },
};

export const SpanishWithAccounts: Story = {
  args: { locale: 'es' },
  play: async ({ canvas }) => {
    // The field labels are the bank's (English); the button is the widget's.
    await userEvent.type(await canvas.findByLabelText('Username', {}, SLOW), 'mxuser');
    await userEvent.type(canvas.getByLabelText('Password'), 'any-password');
    await userEvent.click(canvas.getByRole('button', { name: 'Continuar' }));
    await expect(await canvas.findByRole('list', { name: 'Cuentas conectadas' }, SLOW)).toHaveTextContent(
      /Cuenta de cheques •• \d{4}/,
    );
  },
};
