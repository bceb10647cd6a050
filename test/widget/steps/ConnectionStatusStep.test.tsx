import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { CONNECTION_STATUSES, type ConnectionStatus } from '../../../src/mx/mxEnums';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

type Expectation =
  | { kind: 'connected' }
  // `focus: 'password'`: the bank refused the login, so the password field (marked invalid) takes focus, not the heading;
  // `focus: 'answer'`: the questions came with the status, so the form opens with the step and its first field has it.
  | { kind: 'heading'; name: string | RegExp; text?: string | RegExp; focus?: 'password' | 'answer' };

// What the user sees for each of MX's 22 statuses (product.md table), reached with the sandbox's STATUS_<NAME> passwords.
const EXPECTED: Record<ConnectionStatus, Expectation> = {
  CREATED: { kind: 'connected' },
  UPDATED: { kind: 'connected' },
  RESUMED: { kind: 'connected' },
  RECONNECTED: { kind: 'connected' },
  DELAYED: { kind: 'connected' },
  CONNECTED: { kind: 'connected' },
  CHALLENGED: { kind: 'heading', name: 'MX Bank needs more information', focus: 'answer' },
  REJECTED: { kind: 'heading', name: 'That answer was not accepted.' },
  EXPIRED: { kind: 'heading', name: 'The time to answer ran out.' },
  DENIED: {
    kind: 'heading',
    name: 'Log in to MX Bank',
    text: 'The username or password is not correct.',
    focus: 'password',
  },
  PREVENTED: { kind: 'heading', name: 'Log in to MX Bank', text: /too many failed attempts/, focus: 'password' },
  IMPAIRED: {
    kind: 'heading',
    name: 'Log in to MX Bank',
    text: /Some required information is missing/,
    focus: 'password',
  },
  IMPORTED: { kind: 'heading', name: 'Log in to MX Bank', text: /Enter your credentials to finish/, focus: 'password' },
  LOCKED: { kind: 'heading', name: 'MX Bank needs your attention.' },
  IMPEDED: { kind: 'heading', name: 'MX Bank needs your attention.' },
  FAILED: { kind: 'heading', name: 'MX Bank is having trouble.' },
  DEGRADED: { kind: 'heading', name: 'MX Bank is having trouble.' },
  DISCONNECTED: { kind: 'heading', name: 'MX Bank is having trouble.' },
  DISCONTINUED: { kind: 'heading', name: 'This connection is not available.' },
  CLOSED: { kind: 'heading', name: 'This connection is not available.' },
  DISABLED: { kind: 'heading', name: 'This connection is not available.' },
  PENDING: { kind: 'heading', name: 'Connect with MX Bank' },
};

async function connectWith(password: string, options: Parameters<typeof renderWidget>[1] = {}) {
  const rendered = renderWidget({ institutionCode: 'mxbank' }, options);
  const { user } = rendered;
  await user.type(await screen.findByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  return rendered;
}

describe('connection status step', { timeout: 20_000 }, () => {
  it('shows a visible live region while connecting, without accessibility violations', async () => {
    const { container } = await connectWith('anything', { backend: { aggregationMs: 400 } });
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Verifying your credentials with MX Bank…');
    expect(screen.getByRole('heading', { name: 'Connecting to MX Bank' })).toHaveFocus();
    await expectNoAxeViolations(container);
  });

  // The sandbox runs on a manual clock here, so a transient status (CREATED, DELAYED, ...) stays on screen until the
  // test has seen it, however slow the machine: the outcome never depends on how fast polls happen to be.
  it.each(CONNECTION_STATUSES.map((s) => [s, EXPECTED[s]] as const))(
    '%s leads to its designed outcome',
    async (status, expected) => {
      const PHASE_MS = 1000;
      let time = 1_700_000_000_000;
      const { onSuccess, onEvent } = await connectWith(`STATUS_${status}`, {
        backend: { aggregationMs: PHASE_MS, now: () => time },
      });
      const reported = () =>
        onEvent.mock.calls
          .map(([e]) => e)
          .filter((e) => e.type === 'mx/connect/memberStatusUpdate')
          .map((e) => (e.metadata as { connection_status: string }).connection_status);
      // The member exists once the widget has read its status at least once; only then does time move.
      await waitFor(() => expect(reported().length).toBeGreaterThan(0), { timeout: 4000 });
      time += PHASE_MS;
      if (status !== 'CONNECTED' && status !== 'CHALLENGED') {
        await waitFor(() => expect(reported()).toContain(status), { timeout: 4000 });
      }
      if (expected.kind === 'connected') {
        time += 10 * PHASE_MS;
        await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
        await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
      } else {
        const heading = await screen.findByRole('heading', { name: expected.name }, { timeout: 4000 });
        if (expected.focus === 'password') {
          expect(screen.getByLabelText('Password')).toHaveFocus();
          expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
        } else if (expected.focus === 'answer') {
          expect(screen.getAllByRole('textbox')[0]).toHaveFocus();
        } else {
          expect(heading).toHaveFocus();
        }
        if (expected.text !== undefined) expect(screen.getByRole('alert')).toHaveTextContent(expected.text);
        expect(onSuccess).not.toHaveBeenCalled();
      }
    },
  );

  it('reads its first status from the create answer: no status request before the first poll delay', async () => {
    let statusRequests = 0;
    const { onEvent } = await connectWith('anything', {
      // A first poll far away: any status request seen here was sent when the step appeared.
      timing: { pollSchedule: { delaysMs: [60_000] } },
      overrides: [
        http.get('*/api/connect/members/:guid/status', () => {
          statusRequests += 1;
        }),
      ],
    });
    await screen.findByRole('heading', { name: 'Connecting to MX Bank' }, { timeout: 4000 });
    // The create answer (CREATED, job running) is this step's first answer: the host hears it at once.
    await waitFor(() =>
      expect(
        onEvent.mock.calls.map(([e]) => e).find((e) => e.type === 'mx/connect/memberStatusUpdate')?.metadata,
      ).toEqual({ member_guid: expect.stringMatching(/^MBR-/), connection_status: 'CREATED' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statusRequests).toBe(0);
  });

  it('says so when the connection is DELAYED', async () => {
    let time = 1_700_000_000_000;
    const { onEvent } = await connectWith('STATUS_DELAYED', { backend: { aggregationMs: 1000, now: () => time } });
    await waitFor(() =>
      expect(onEvent.mock.calls.some(([e]) => e.type === 'mx/connect/memberStatusUpdate')).toBe(true),
    );
    time += 1000;
    expect(
      await screen.findByText('This is taking longer than usual. You can keep waiting.', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    time += 10_000;
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
  });

  it('LOCKED links to the institution site and exits with actionRequired', async () => {
    const { user, onExit } = await connectWith('LOCKED');
    await screen.findByRole('heading', { name: 'MX Bank needs your attention.' }, { timeout: 4000 });
    expect(screen.getByRole('link', { name: /Go to MX Bank website/ })).toHaveAttribute(
      'href',
      expect.stringMatching(/^https?:/),
    );
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(onExit).toHaveBeenCalledWith(
        expect.objectContaining({ reason: 'actionRequired', institutionCode: 'mxbank' }),
      ),
    );
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it("shows the institution's connection_status_message under the widget's wording on an error screen (LOCKED)", async () => {
    await connectWith('LOCKED');
    await screen.findByRole('heading', { name: 'MX Bank needs your attention.' }, { timeout: 4000 });
    expect(
      await screen.findByText(
        "Your account is locked. Please log in to MX Bank's website to unlock it.",
        {},
        { timeout: 4000 },
      ),
    ).toHaveClass('mc-institution-message');
  });

  it('renders the connection_status_message as plain text, never as HTML', async () => {
    const message = 'Locked. <img src="x" onerror="alert(1)"><b>Call us</b>';
    const { container } = await connectWith('LOCKED', {
      overrides: [
        http.get('*/api/connect/members/:guid', ({ params }) =>
          HttpResponse.json({
            member: {
              guid: params.guid,
              institution_code: 'mxbank',
              connection_status: 'LOCKED',
              connection_status_message: message,
            },
          }),
        ),
      ],
    });
    expect(await screen.findByText(message, {}, { timeout: 4000 })).toBeInTheDocument();
    expect(container.querySelector('img[src="x"], b')).toBeNull();
  });

  it('FAILED offers a retry that aggregates the same member again', async () => {
    const { user, onEvent } = await connectWith('SERVER_ERROR');
    await screen.findByRole('heading', { name: 'MX Bank is having trouble.' }, { timeout: 4000 });
    const polls = () => onEvent.mock.calls.filter(([e]) => e.type === 'mx/connect/stepChange').length;
    const before = polls();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    // The sandbox replays the same password, so the retry ends FAILED again, after a new connecting step.
    await waitFor(() => expect(polls()).toBeGreaterThanOrEqual(before + 2), { timeout: 4000 });
    expect(
      await screen.findByRole('heading', { name: 'MX Bank is having trouble.' }, { timeout: 4000 }),
    ).toBeInTheDocument();
  });

  it('DISCONTINUED exits with connectionUnavailable', async () => {
    const { user, onExit } = await connectWith('STATUS_DISCONTINUED');
    await screen.findByRole('heading', { name: 'This connection is not available.' }, { timeout: 4000 });
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(onExit).toHaveBeenCalledWith(expect.objectContaining({ reason: 'connectionUnavailable' })),
    );
  });
});
