import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor } from 'storybook/test';

import { MXBANK_CODE, MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../src/server/sandbox/index';
import { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { es } from '../../src/widget/locales/es';
import { frCA } from '../../src/widget/locales/frCA';
import {
  connectMxBank,
  currentBackend,
  expectHeading,
  logIn,
  pickInstitution,
  searchFor,
  SLOW,
  widgetMeta,
} from '../support/storyWidget';

/**
 * `<ConnectWidget>` against the real proxy and sandbox, both running in this page and answered through MSW. Type a
 * scenario password on MX Bank (user `mxuser`) to reach any state: see docs/sandbox.md. Each step's states have their
 * own stories under `widget/steps`.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/ConnectWidget',
  component: ConnectWidget,
  tags: ['autodocs'],
} satisfies Meta<typeof ConnectWidget>;

export default meta;
type Story = StoryObj<typeof meta>;

/** What a user first sees: the partner's favourite institutions and the search box. */
export const Start: Story = {
  play: async ({ canvas }) => {
    await expectHeading(canvas, en.searchHeading);
    await expect(await canvas.findByRole('option', { name: /^MX Bank$/ }, SLOW)).toBeVisible();
  },
};

/** The whole happy path, driven like a person: search, pick MX Bank, log in, connected; `onSuccess` once. */
export const WholeFlow: Story = {
  play: async ({ canvas, args }) => {
    await connectMxBank(canvas, 'any-password');
    await expectHeading(canvas, en.connectedHeading);
    await expect(canvas.getByText('You connected MX Bank to this app.')).toBeVisible();
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
    await expect(args.onExit).not.toHaveBeenCalled();
  },
};

/** A wrong password, then the right one: the retry updates the same member and connects. */
export const WholeFlowWithRetry: Story = {
  play: async ({ canvas, args }) => {
    await connectMxBank(canvas, 'INVALID');
    await expect(await canvas.findByRole('alert', {}, SLOW)).toHaveTextContent(en.deniedTitle);
    const password = canvas.getByLabelText('Password');
    await userEvent.clear(password);
    await userEvent.type(password, 'the-right-one');
    await userEvent.click(canvas.getByRole('button', { name: en.submit }));
    await expectHeading(canvas, en.connectedHeading);
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
  },
};

/** Connected: the last screen, with the primary action the host hears about. */
export const Connected: Story = {
  args: { institutionCode: 'mxbank' },
  play: async ({ canvas, args }) => {
    await userEvent.type(await canvas.findByLabelText('Username', {}, SLOW), 'mxuser');
    await userEvent.type(canvas.getByLabelText('Password'), 'secret');
    await userEvent.click(canvas.getByRole('button', { name: en.submit }));
    await expectHeading(canvas, en.connectedHeading);
    // Done waits for the accounts (onSuccess carries them).
    await canvas.findByRole('list', { name: en.accountsHeading }, SLOW);
    await userEvent.click(canvas.getByRole('button', { name: en.done }));
    await waitFor(() =>
      expect(args.onEvent).toHaveBeenCalledWith(
        expect.objectContaining({ type: 'mx/connect/connected/primaryAction' }),
      ),
    );
  },
};

/** The user leaves: `onExit` once, and the widget says it is closed. */
export const Exit: Story = {
  play: async ({ canvas, args }) => {
    await userEvent.click(await canvas.findByRole('button', { name: en.close }, SLOW));
    await expectHeading(canvas, en.closedHeading);
    await waitFor(() => expect(args.onExit).toHaveBeenCalledTimes(1));
    await expect(args.onSuccess).not.toHaveBeenCalled();
  },
};

// The root has no landmark role (several widgets may share a page), so it is found by its class.
const widgetRoot = (canvasElement: HTMLElement): HTMLElement => {
  const root = canvasElement.querySelector<HTMLElement>('.mc-root');
  if (root === null) throw new Error('The widget root (.mc-root) is not on the page.');
  return root;
};

let seededMemberGuid: string | undefined;

/** Update mode: `memberGuid` of an existing member opens its credentials for re-entry. */
export const UpdateMode: Story = {
  parameters: {
    backend: {
      members: [
        {
          institution_code: MXBANK_CODE,
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: 'old-password' },
          ],
        },
      ],
    },
  },
  // Runs after the meta's beforeEach installed the backend: find the seeded member, as the partner's backend would.
  beforeEach: async () => {
    const backend = currentBackend();
    const body = (await (await backend.sandboxFetch(`/users/${backend.userGuid}/members`)).json()) as {
      members: { guid: string }[];
    };
    seededMemberGuid = body.members[0]?.guid;
  },
  render: (args) => <ConnectWidget {...args} memberGuid={seededMemberGuid} />,
  play: async ({ canvas }) => {
    await expectHeading(canvas, 'Update your credentials for MX Bank');
  },
};

const localeStory = (locale: 'es' | 'fr-CA', messages: typeof es): Story => ({
  args: { locale },
  play: async ({ canvas }) => {
    await expectHeading(canvas, messages.searchHeading);
    await expect(await canvas.findByRole('heading', { name: messages.popularHeading }, SLOW)).toBeVisible();
    await expect(canvas.getByRole('searchbox', { name: messages.searchLabel })).toBeVisible();
  },
});
export const LocaleEnglish: Story = {
  args: { locale: 'en' },
  play: async ({ canvas }) => {
    await expectHeading(canvas, en.searchHeading);
  },
};
export const LocaleSpanish = localeStory('es', es);
export const LocaleFrenchCanada = localeStory('fr-CA', frCA);

export const Dark: Story = {
  args: { colorScheme: 'dark' },
  parameters: { backgrounds: { value: 'dark' } },
  play: async ({ canvas, canvasElement }) => {
    await expectHeading(canvas, en.popularHeading);
    await expect(widgetRoot(canvasElement)).toHaveAttribute('data-color-scheme', 'dark');
  },
};
export const Light: Story = {
  args: { colorScheme: 'light' },
  play: async ({ canvas, canvasElement }) => {
    await expectHeading(canvas, en.popularHeading);
    await expect(widgetRoot(canvasElement)).toHaveAttribute('data-color-scheme', 'light');
  },
};

/** The narrowest supported screen: 320 px wide, nothing cut off or scrolling sideways. */
export const Narrow320: Story = {
  globals: { viewport: { value: 'narrow320', isRotated: false } },
  parameters: { layout: 'fullscreen' },
  play: async ({ canvas, canvasElement }) => {
    await expectHeading(canvas, en.popularHeading);
    await expect(window.innerWidth).toBe(320);
    await expect(widgetRoot(canvasElement).getBoundingClientRect().width).toBeLessThanOrEqual(320);
    await expect(canvasElement.ownerDocument.documentElement.scrollWidth).toBeLessThanOrEqual(320);
  },
};

/** The credentials form at 320 px. */
export const Narrow320Credentials: Story = {
  args: { institutionCode: 'thistledale_cooperative_bank' },
  globals: { viewport: { value: 'narrow320', isRotated: false } },
  parameters: { layout: 'fullscreen' },
  play: async ({ canvas, canvasElement }) => {
    const customerId = await canvas.findByLabelText('Customer ID', {}, SLOW);
    await expect(customerId).toBeVisible();
    await expect(canvasElement.ownerDocument.documentElement.scrollWidth).toBeLessThanOrEqual(320);
    // The show/hide toggle stays on one line, so the password input is as tall as its neighbours.
    const height = (element: Element) => Math.round(element.getBoundingClientRect().height);
    const toggle = canvas.getByRole('button', { name: en.showPassword });
    await expect(height(canvas.getByLabelText('Password'))).toBe(height(customerId));
    await expect(height(toggle)).toBe(height(customerId));
    // An unchecked box is a valid answer: an empty submit flags the text fields only, and the row keeps its layout.
    await userEvent.click(canvas.getByRole('button', { name: en.submit }));
    // Customer ID and Password are flagged; the checkbox is not.
    await expect(await canvas.findAllByText(en.fieldRequired)).toHaveLength(2);
    await expect(canvas.getByRole('checkbox', { name: 'Remember this device' })).not.toHaveAttribute('aria-invalid');
    const box = canvas.getByRole('checkbox', { name: 'Remember this device' }).getBoundingClientRect();
    const label = canvas.getByText('Remember this device').getBoundingClientRect();
    await expect(box.right).toBeLessThan(label.left);
    await expect(label.left - box.right).toBeLessThan(16);
    await expect(Math.abs(box.left - customerId.getBoundingClientRect().left)).toBeLessThan(4);
  },
};

/**
 * Focus follows the steps: the new step's heading receives focus without drawing the keyboard ring (it is not a
 * control), while a control focused from the keyboard still shows its ring.
 */
export const FocusOnStepChange: Story = {
  play: async ({ canvas }) => {
    await searchFor(canvas, 'mx bank');
    await pickInstitution(canvas, /^MX Bank$/);
    // A form step gives focus to its first field (issue 12 §3); a step without one, to its heading.
    await waitFor(async () => expect(await canvas.findByLabelText('Username')).toHaveFocus(), SLOW);
    await logIn(canvas, 'LOCKED');
    const heading = await canvas.findByRole('heading', { name: 'MX Bank needs your attention.' }, SLOW);
    await waitFor(() => expect(heading).toHaveFocus());
    await expect(getComputedStyle(heading).outlineStyle).toBe('none');
    await userEvent.tab();
    const control = heading.ownerDocument.activeElement as HTMLElement;
    await expect(control).not.toBe(heading);
    await expect(control.matches(':focus-visible')).toBe(true);
    await expect(getComputedStyle(control).outlineStyle).toBe('solid');
  },
};
