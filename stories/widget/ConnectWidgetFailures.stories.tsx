import type { Meta, StoryObj } from '@storybook/react-vite';
import type { SetupWorker } from 'msw/browser';
import { expect, fn, userEvent, waitFor } from 'storybook/test';

import { bearerAuthenticate, createSessionTokens } from '../../src/server/index';
import type { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { ConnectTimingContext } from '../../src/widget/flowContext';
import { type FailureBackend, type FailureBackendOptions, installFailureBackend } from '../support/failureBackend';
import { createManualClock } from '../support/manualClock';
import { expectHeading, logIn, searchFor, SLOW, STORY_TIMING, widgetMeta } from '../support/storyWidget';

/**
 * How the widget fails, each failure produced by the real proxy and sandbox in this page: an expired session (the
 * proxy's own session-token check), a connection lost while polling (`drop`), a request past the widget's deadline
 * (`delay`) and a rate limit (`429` with `Retry-After`), injected on the upstream MX calls with `X-Sandbox-Fault`.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/ConnectWidgetFailures',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  // Replaces widgetMeta's backend: these stories switch faults while they run and read the upstream calls.
  beforeEach: async (context) => {
    const { msw } = context as unknown as { msw: SetupWorker };
    backend = await installFailureBackend(msw, context.parameters.failureBackend as FailureBackendOptions | undefined);
  },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

let backend: FailureBackend | null = null;
const active = (): FailureBackend => {
  if (backend === null) throw new Error('The failure backend is not installed.');
  return backend;
};

/** The widget's retry back-off (STORY_TIMING's, with the request deadlines) comes before any "lost contact" message. */
const LONG = { timeout: 20_000 };
const STATUS_ROUTE = /\/members\/[^/]+\/status$/;
const statusCalls = () =>
  active()
    .calls()
    .filter((call) => STATUS_ROUTE.test(call.path));

// Session tokens as a partner issues them, checked by the proxy's real `bearerAuthenticate`. Their clock is stopped,
// so a story expires a token by moving it, not by waiting.
const tokenClock = createManualClock();
const TOKEN_TTL_SECONDS = 60;
const tokens = createSessionTokens({
  secret: 'storybook-only-session-secret-0123456789abcdef',
  ttlSeconds: TOKEN_TTL_SECONDS,
  now: tokenClock.now,
});
const sessionBackend: FailureBackendOptions = { authenticate: bearerAuthenticate(tokens) };

// A host that can only hand back the token its page was rendered with: asking again returns the same, expired token.
let pageToken: Promise<string> | null = null;
const tokenOfThePage = fn(() => (pageToken ??= tokens.issue(active().userGuid)));
// A host that asks its backend for a fresh token every time.
const freshToken = fn(() => tokens.issue(active().userGuid));

/**
 * The proxy refuses the session (401), the widget asks `sessionToken` for a new one once, the proxy refuses that too:
 * the session ends with `onExit({ reason: 'sessionExpired' })` and a message saying what to do.
 */
export const SessionExpired: Story = {
  parameters: { failureBackend: sessionBackend },
  args: { sessionToken: tokenOfThePage },
  beforeEach: () => {
    tokenClock.reset();
    pageToken = null;
  },
  play: async ({ canvas, args }) => {
    await expectHeading(canvas, en.popularHeading);
    await expect(args.sessionToken).toHaveBeenCalledTimes(1);
    tokenClock.advance((TOKEN_TTL_SECONDS + 1) * 1000);

    await searchFor(canvas, 'mx bank');
    await expectHeading(canvas, en.closedHeading);
    await expect(canvas.getByRole('alert')).toHaveTextContent(en.sessionExpired);
    await waitFor(() => expect(args.onExit).toHaveBeenCalledTimes(1));
    await expect(args.onExit).toHaveBeenCalledWith(expect.objectContaining({ reason: 'sessionExpired' }));
    // Asked once at the start, once more after the first 401: one refresh, no loop.
    await expect(args.sessionToken).toHaveBeenCalledTimes(2);
    await expect(args.onSuccess).not.toHaveBeenCalled();
    // No way back into a dead session: no Close, no search.
    await expect(canvas.queryByRole('button', { name: en.close })).toBeNull();
    await expect(canvas.queryByRole('searchbox')).toBeNull();
  },
};

/** The same expiry with a host that can issue a fresh token: one refresh and the user never notices. */
export const SessionRefreshed: Story = {
  parameters: { failureBackend: sessionBackend },
  args: { sessionToken: freshToken },
  beforeEach: () => tokenClock.reset(),
  play: async ({ canvas, args }) => {
    await expectHeading(canvas, en.popularHeading);
    tokenClock.advance((TOKEN_TTL_SECONDS + 1) * 1000);

    await searchFor(canvas, 'mx bank');
    await expectHeading(canvas, en.resultsHeading);
    await expect(await canvas.findByRole('option', { name: /^MX Bank$/ }, SLOW)).toBeVisible();
    await expect(args.sessionToken).toHaveBeenCalledTimes(2);
    await expect(args.onExit).not.toHaveBeenCalled();
  },
};

const dropStatus: FailureBackendOptions = { faults: [{ path: STATUS_ROUTE, fault: 'drop' }] };

/** Shared start: the member is created, then every status poll loses its connection until the widget says so. */
async function reachLostContact({ canvas, args }: Parameters<NonNullable<Story['play']>>[0]) {
  await logIn(canvas, 'any-password');
  await expectHeading(canvas, 'Connecting to MX Bank');
  const alert = await canvas.findByRole('alert', {}, LONG);
  await expect(alert).toHaveTextContent(en.statusPollError);
  // Still the connecting step, with a way forward: try now, or leave.
  await expectHeading(canvas, 'Connecting to MX Bank');
  await expect(canvas.getByRole('button', { name: en.retry })).toBeEnabled();
  await expect(canvas.getByRole('button', { name: en.close })).toBeEnabled();
  const created = active()
    .calls()
    .filter((call) => call.method === 'POST' && call.path.endsWith('/members'));
  await expect(created).toHaveLength(1);
  await expect(created[0]?.fault).toBeNull();
  // The first poll and its three retries all failed before the message appeared.
  await expect(statusCalls().length).toBeGreaterThanOrEqual(4);
  await expect(statusCalls().every((call) => call.fault === 'drop')).toBe(true);
  await expect(args.onSuccess).not.toHaveBeenCalled();
  await expect(args.onExit).not.toHaveBeenCalled();
}

/** The connection drops on every status poll after the member was created: "we lost contact", keep trying. */
export const NetworkLostWhilePolling: Story = {
  args: { institutionCode: 'mxbank' },
  parameters: { failureBackend: dropStatus },
  play: async (context) => {
    await reachLostContact(context);
  },
};

/** The network comes back while the widget shows "lost contact": it keeps polling by itself and connects. */
export const NetworkBackAfterLostContact: Story = {
  args: { institutionCode: 'mxbank' },
  parameters: { failureBackend: dropStatus },
  play: async (context) => {
    const { canvas, args } = context;
    await reachLostContact(context);
    active().setFaults([]);
    await expect(await canvas.findByRole('heading', { name: en.connectedHeading }, LONG)).toBeVisible();
    await expect(canvas.getByText('You connected MX Bank to this app.')).toBeVisible();
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
    await expect(args.onExit).not.toHaveBeenCalled();
  },
};

// A deadline short enough for a story; the sandbox holds the create call far longer than that.
const SHORT_DEADLINE_MS = 1500;

/**
 * Submitting takes longer than the widget's request deadline: the form says the server took too long, keeps what
 * the user typed, and a second try (once the server answers again) connects.
 */
export const SubmitTimeout: Story = {
  args: { institutionCode: 'mxbank' },
  parameters: { failureBackend: { faults: [{ path: /\/members$/, method: 'POST', fault: 'delay=20000' }] } },
  decorators: [
    (Story) => (
      <ConnectTimingContext.Provider value={{ ...STORY_TIMING, requestTimeoutMs: SHORT_DEADLINE_MS }}>
        <Story />
      </ConnectTimingContext.Provider>
    ),
  ],
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'my-secret-password');
    // Busy, not disabled: the button keeps focus (aria-disabled), so focus never falls to <body> while it waits.
    const busy = await canvas.findByRole('button', { name: en.submitting });
    await expect(busy).toHaveAttribute('aria-disabled', 'true');
    await expect(busy).toHaveFocus();

    const alert = await canvas.findByRole('alert', {}, SLOW);
    await expect(alert).toHaveTextContent(en.submitError);
    await expect(alert).toHaveTextContent(en.timeoutError);
    await expect(canvas.getByLabelText('Username')).toHaveValue('mxuser');
    await expect(canvas.getByLabelText('Password')).toHaveValue('my-secret-password');
    await expect(canvas.getByRole('button', { name: en.submit })).not.toHaveAttribute('aria-disabled', 'true');
    await expect(args.onEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'mx/connect/createMemberError',
        metadata: expect.objectContaining({ status: 0 }),
      }),
    );
    await expect(args.onExit).not.toHaveBeenCalled();

    // The server answers in time again; the timed-out call is still held by the sandbox, so nothing was created yet.
    active().setFaults([]);
    await userEvent.click(canvas.getByRole('button', { name: en.submit }));
    await expectHeading(canvas, en.connectedHeading);
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
  },
};

const RETRY_AFTER_SECONDS = 2;

/**
 * The status route answers 429 with `Retry-After: 2` twice: the widget keeps showing that it is connecting, waits as
 * told before each retry, and connects.
 */
export const RateLimitedWhilePolling: Story = {
  args: { institutionCode: 'mxbank' },
  parameters: {
    failureBackend: { faults: [{ path: STATUS_ROUTE, fault: `429;retry-after=${RETRY_AFTER_SECONDS}`, times: 2 }] },
  },
  play: async ({ canvas, args }) => {
    await logIn(canvas, 'any-password');
    await expectHeading(canvas, 'Connecting to MX Bank');
    await waitFor(() => expect(statusCalls()).toHaveLength(2), LONG);
    // Meanwhile: the ordinary connecting message, no error.
    await expect(canvas.getByRole('status')).toHaveTextContent('Verifying your credentials with MX Bank…');
    await expect(canvas.queryByRole('alert')).toBeNull();

    await expect(await canvas.findByRole('heading', { name: en.connectedHeading }, LONG)).toBeVisible();
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1));
    const [first, second, third] = statusCalls();
    await expect([first?.fault, second?.fault, third?.fault]).toEqual([
      `429;retry-after=${RETRY_AFTER_SECONDS}`,
      `429;retry-after=${RETRY_AFTER_SECONDS}`,
      null,
    ]);
    // One-sided check: a retry may come late on a busy machine, never before Retry-After (the widget's own back-off
    // would have retried after 100 ms, then 200 ms).
    const floor = RETRY_AFTER_SECONDS * 1000;
    await expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(floor);
    await expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(floor);
  },
};
