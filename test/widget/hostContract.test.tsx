import { act, render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { createFakeBackend } from '../support/fakeBackend';
import { server } from '../support/mswServer';
import { expectNoAxeViolations, renderWidget } from '../support/renderWidget';

async function logIn(
  user: ReturnType<typeof renderWidget>['user'],
  password = 'pw',
  scope: HTMLElement = document.body,
) {
  const view = within(scope);
  await user.type(await view.findByLabelText('Username'), 'mxuser');
  await user.type(view.getByLabelText('Password'), password);
  await user.click(view.getByRole('button', { name: 'Continue' }));
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('host contract', { timeout: 20_000 }, () => {
  afterEach(() => setHidden(false));

  it('renders in Strict Mode without accessibility violations, emitting loaded once and onSuccess once', async () => {
    const { user, container, onSuccess, onExit, eventTypes } = renderWidget(
      { institutionCode: 'mxbank' },
      { strict: true },
    );
    await screen.findByLabelText('Username');
    await expectNoAxeViolations(container);
    await logIn(user);
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(eventTypes().filter((t) => t === 'mx/connect/loaded')).toHaveLength(1);
    expect(eventTypes().filter((t) => t === 'mx/connect/memberConnected')).toHaveLength(1);
    expect(onExit).not.toHaveBeenCalled();
  });

  it('calls onExit once with unmounted when removed mid-flow, and never after success', async () => {
    const first = renderWidget({ institutionCode: 'mxbank' });
    await screen.findByLabelText('Username');
    first.unmount();
    await waitFor(() => expect(first.onExit).toHaveBeenCalledWith({ reason: 'unmounted', institutionCode: 'mxbank' }));
    expect(first.onExit).toHaveBeenCalledTimes(1);

    const second = renderWidget({ institutionCode: 'mxbank' });
    await logIn(second.user);
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(second.onSuccess).toHaveBeenCalledTimes(1));
    second.unmount();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(second.onExit).not.toHaveBeenCalled();
  });

  it('uses the latest callbacks without re-mounting', async () => {
    const backend = createFakeBackend();
    server.use(...backend.handlers);
    const stale = vi.fn();
    const fresh = vi.fn();
    const { rerender } = render(
      <ConnectWidget proxyUrl="/api/connect" institutionCode="mxbank" skipConsent onSuccess={stale} />,
    );
    const username = await screen.findByLabelText('Username');
    rerender(<ConnectWidget proxyUrl="/api/connect" institutionCode="mxbank" skipConsent onSuccess={fresh} />);
    expect(screen.getByLabelText('Username')).toBe(username);
    await userEventLogIn();
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 8000 });
    await waitFor(() => expect(fresh).toHaveBeenCalledTimes(1));
    expect(stale).not.toHaveBeenCalled();
  });

  it('back() and close() drive the flow through the ref handle', async () => {
    const { handle, onExit, eventTypes } = renderWidget({ institutionCode: 'mxbank' });
    await screen.findByLabelText('Username');
    act(() => handle.current?.back());
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    expect(eventTypes()).toContain('mx/connect/backToSearch');
    act(() => handle.current?.close());
    await screen.findByRole('heading', { name: 'Connection closed' });
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'userCancelled' }));
    act(() => handle.current?.close());
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('refreshes the session token once on 401, then exits with sessionExpired', async () => {
    const sessionToken = vi.fn(() => 'expired-token');
    const { onExit } = renderWidget(
      { sessionToken },
      {
        overrides: [
          http.all('*/api/connect/*', () =>
            HttpResponse.json({ error: { message: 'Session expired.' } }, { status: 401 }),
          ),
        ],
      },
    );
    expect(await screen.findByText('Your session has expired. Start again to continue.')).toBeInTheDocument();
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'sessionExpired' }));
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(sessionToken).toHaveBeenCalledTimes(2);
  });

  it('ends with sessionExpired when the sessionToken function of the host rejects', async () => {
    const sessionToken = vi.fn(() => Promise.reject(new Error('the partner backend is down')));
    const { onExit } = renderWidget({ sessionToken });
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'sessionExpired' }));
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(en.serverError)).toBeNull();
  });

  it('keeps polling through a 429 on status, honouring Retry-After', async () => {
    const { user, onSuccess } = renderWidget(
      { institutionCode: 'mxbank' },
      {
        overrides: [
          http.get(
            '*/api/connect/members/:guid/status',
            () =>
              HttpResponse.json(
                { error: { message: 'Too many requests' } },
                { status: 429, headers: { 'Retry-After': '0' } },
              ),
            { once: true },
          ),
        ],
      },
    );
    await logIn(user);
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
  });

  it('pauses status polling while the page is hidden and resumes when visible', async () => {
    const statusCalls: string[] = [];
    const { user, onSuccess } = renderWidget(
      { institutionCode: 'mxbank' },
      {
        backend: { aggregationMs: 50 },
        overrides: [
          http.get('*/api/connect/members/:guid/status', ({ request }) => {
            statusCalls.push(request.url);
            return undefined;
          }),
        ],
      },
    );
    await user.type(await screen.findByLabelText('Username'), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'pw');
    setHidden(true);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connecting to MX Bank' });
    // The create answer said the job is running, so the step starts from it; at most one read follows, when polling
    // takes over from the stream this proxy does not offer. Then, while the page is hidden, no poll runs (the test
    // schedule would poll every 20 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whileHidden = statusCalls.length;
    expect(whileHidden).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statusCalls.length).toBe(whileHidden);
    expect(onSuccess).not.toHaveBeenCalled();
    act(() => setHidden(false));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    expect(statusCalls.length).toBeGreaterThan(whileHidden);
  });

  it('runs several widgets on one page without interference', async () => {
    const backend = createFakeBackend();
    const a = renderWidget({ institutionCode: 'mxbank' }, { backend });
    const b = renderWidget({}, { backend });
    const [rootA, rootB] = [...document.querySelectorAll<HTMLElement>('.mc-root')] as [HTMLElement, HTMLElement];
    await within(rootB).findByRole('listbox', { name: 'Popular institutions' });
    // The whole document: duplicate ids between the two widgets would show here. `region` is the host page's job.
    await expectNoAxeViolations(document.body, ['region']);
    await logIn(a.user, 'pw', rootA);
    await within(rootA).findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(a.onSuccess).toHaveBeenCalledTimes(1));
    expect(within(rootB).getByRole('heading', { name: 'Select your institution' })).toBeInTheDocument();
    expect(b.onSuccess).not.toHaveBeenCalled();
    expect(b.onEvent.mock.calls.map(([e]) => e.type)).toEqual(['mx/connect/loaded']);
  });

  it('renders on the server without touching window', () => {
    const html = renderToString(<ConnectWidget proxyUrl="/api/connect" />);
    expect(html).toContain('mc-root');
  });
});

async function userEventLogIn() {
  const { default: userEvent } = await import('@testing-library/user-event');
  const user = userEvent.setup();
  await logIn(user);
}
