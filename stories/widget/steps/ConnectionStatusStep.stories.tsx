import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';

import type { ConnectionStatus } from '../../../src/mx/mxEnums';
import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en } from '../../../src/widget/copy';
import { createManualClock } from '../../support/manualClock';
import { expectHeading, logIn, SLOW, widgetMeta } from '../../support/storyWidget';

/**
 * Each of MX's 22 `connection_status` values as the user meets it: MX Bank (deep link), user `mxuser`, password
 * `STATUS_<status>` (sandbox scenario). Statuses that pass on the way to CONNECTED are held on screen with a stopped
 * sandbox clock.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/steps/ConnectionStatusStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, institutionCode: 'mxbank' },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

const AGGREGATION_MS = 1000;
const clock = createManualClock();

/** CREATED, UPDATED, RESUMED, RECONNECTED, DELAYED: still connecting; the sandbox then connects. */
const transient = (status: ConnectionStatus, message: string): Story => ({
  name: status,
  parameters: { backend: { now: clock.now, aggregationMs: AGGREGATION_MS } },
  beforeEach: () => clock.reset(),
  play: async ({ canvas, args }) => {
    await logIn(canvas, `STATUS_${status}`);
    await expectHeading(canvas, 'Connecting to MX Bank');
    clock.advance(AGGREGATION_MS);
    await expect(await canvas.findByText(message, {}, SLOW)).toBeVisible();
    await expect(args.onSuccess).not.toHaveBeenCalled();
    await waitFor(
      () =>
        expect(args.onEvent).toHaveBeenCalledWith(
          expect.objectContaining({
            type: 'mx/connect/memberStatusUpdate',
            metadata: expect.objectContaining({ connection_status: status }),
          }),
        ),
      SLOW,
    );
    // Let the sandbox finish: the member connects.
    clock.advance(60 * AGGREGATION_MS);
    await expectHeading(canvas, en.connectedHeading);
  },
});

// A refused login keeps the login heading (issue 12 §3); the reason is the alert under it.
const update = 'Log in to MX Bank';

const outcome = (status: ConnectionStatus, heading: string | RegExp, texts: (string | RegExp)[] = []): Story => ({
  name: status,
  play: async ({ canvas }) => {
    await logIn(canvas, `STATUS_${status}`);
    if (heading === update) {
      // A refused login keeps the form's own heading, which is on screen before the answer: read the reason first.
      for (const text of texts) await expect(await canvas.findByText(text, {}, SLOW)).toBeVisible();
      await expectHeading(canvas, heading);
      return;
    }
    await expectHeading(canvas, heading);
    for (const text of texts) await expect(await canvas.findByText(text, {}, SLOW)).toBeVisible();
  },
});

const connecting = 'Verifying your credentials with MX Bank…';
export const Created = transient('CREATED', connecting);
export const Updated = transient('UPDATED', connecting);
export const Resumed = transient('RESUMED', connecting);
export const Reconnected = transient('RECONNECTED', connecting);
export const Delayed = transient('DELAYED', en.statusDelayed);

export const Connected = outcome('CONNECTED', en.connectedHeading, ['You connected MX Bank to this app.']);
export const Challenged = outcome('CHALLENGED', 'MX Bank needs more information', ['What city were you born in?']);
export const Rejected = outcome('REJECTED', en.rejectedTitle, [en.rejectedBody]);
export const Expired = outcome('EXPIRED', en.expiredTitle, [en.expiredBody]);

export const Denied = outcome('DENIED', update, [en.deniedReason]);
export const Prevented = outcome('PREVENTED', update, [en.preventedReason]);
export const Impaired = outcome('IMPAIRED', update, [en.impairedReason]);
export const Imported = outcome('IMPORTED', update, [en.importedReason]);

export const Locked = outcome('LOCKED', 'MX Bank needs your attention.', [
  'Log in on the MX Bank website to resolve the issue, then try again here.',
]);
export const Impeded = outcome('IMPEDED', 'MX Bank needs your attention.', [/Go to MX Bank website/]);

export const Failed = outcome('FAILED', 'MX Bank is having trouble.', [en.problemBody]);
export const Degraded = outcome('DEGRADED', 'MX Bank is having trouble.', [en.problemBody]);
export const Disconnected = outcome('DISCONNECTED', 'MX Bank is having trouble.', [en.problemBody]);

export const Discontinued = outcome('DISCONTINUED', en.unavailableTitle, [
  'MX Bank cannot be connected here right now.',
]);
export const Closed = outcome('CLOSED', en.unavailableTitle, ['MX Bank cannot be connected here right now.']);
export const Disabled = outcome('DISABLED', en.unavailableTitle, ['MX Bank cannot be connected here right now.']);

export const Pending = outcome('PENDING', 'Connect with MX Bank', [
  'You will log in securely on the MX Bank website in a new window, then come back here to finish.',
]);
