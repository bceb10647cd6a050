import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createFakeBackend, type FakeBackend } from '../../support/fakeBackend';
import { server } from '../../support/mswServer';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const SANDBOX_ORIGIN = 'http://sandbox.test';

interface FakePopup {
  closed: boolean;
  opener: unknown;
  location: { replace: ReturnType<typeof vi.fn> };
  close: ReturnType<typeof vi.fn>;
  focus: ReturnType<typeof vi.fn>;
}

/** window.open as a browser would answer it: a popup we can observe, or null when blocked. */
function stubWindowOpen(blocked = false) {
  const popups: FakePopup[] = [];
  const memberPostsAtOpen: number[] = [];
  let memberPosts = 0;
  const count = ({ request }: { request: Request }) => {
    if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/members')) memberPosts += 1;
  };
  server.events.on('request:start', count);
  const open = vi.spyOn(window, 'open').mockImplementation(() => {
    memberPostsAtOpen.push(memberPosts);
    if (blocked) return null;
    const popup: FakePopup = {
      closed: false,
      opener: window,
      location: { replace: vi.fn() },
      close: vi.fn(),
      focus: vi.fn(),
    };
    popups.push(popup);
    return popup as unknown as Window;
  });
  return { open, popups, memberPostsAtOpen, stop: () => server.events.removeListener('request:start', count) };
}

/** What the person does on the sandbox's consent page: load it (single-use URL), then authorize or deny. */
async function decide(backend: FakeBackend, uri: string, decision: 'authorize' | 'deny') {
  const page = await (await backend.sandbox.request(uri)).text();
  const session = /name="session" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const body = new URLSearchParams({ session, decision, opener_origin: window.location.origin });
  const response = await backend.sandbox.request(`${SANDBOX_ORIGIN}/oauth/decision`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(response.status).toBe(200);
}

describe('OAuth step', { timeout: 20_000 }, () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens a disowned popup inside the click, connects after consent, without accessibility violations', async () => {
    const windows = stubWindowOpen();
    const backend = createFakeBackend();
    const { user, container, onSuccess, onEvent } = renderWidget({}, { backend });
    await user.click(await screen.findByRole('option', { name: 'MX Bank (OAuth)' }));
    expect(await screen.findByRole('heading', { name: 'Connect with MX Bank (OAuth)' })).toHaveFocus();
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    // Opened before the member was created: no async hop between the click and window.open.
    expect(windows.open).toHaveBeenCalledTimes(1);
    expect(windows.memberPostsAtOpen).toEqual([0]);
    const popup = windows.popups[0] as FakePopup;
    await waitFor(() => expect(popup.location.replace).toHaveBeenCalledTimes(1));
    // The bank's page gets no handle on ours (issue 13 item 9): the opener is cut before it navigates there.
    expect(popup.opener).toBeNull();
    const uri = popup.location.replace.mock.calls[0]?.[0] as string;
    expect(uri.startsWith(`${SANDBOX_ORIGIN}/oauth/authorize/`)).toBe(true);
    expect(await screen.findByText(/Waiting for you to finish/)).toBeInTheDocument();
    const requested = onEvent.mock.calls.map(([e]) => e).find((e) => e.type === 'mx/connect/oauthRequested');
    expect(requested?.metadata).toMatchObject({ url: uri });
    // While the bank's window is legitimately open, the button brings it back rather than offering to "try again".
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Return to the MX Bank (OAuth) window' }));
    expect(popup.focus).toHaveBeenCalled();

    // The bank's completion page closes its own window: that reads as finished, not as "closed before you finished".
    await decide(backend, uri, 'authorize');
    popup.closed = true;
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    expect(screen.queryByText(/closed before you finished/)).toBeNull();
    await waitFor(() =>
      expect(onSuccess).toHaveBeenCalledWith({
        memberGuid: expect.stringMatching(/^MBR-/),
        institutionCode: 'mx_bank_oauth',
        accounts: expect.any(Array),
      }),
    );
    windows.stop();
  });

  it('offers a link when the popup is blocked, and keeps polling', async () => {
    const windows = stubWindowOpen(true);
    const backend = createFakeBackend();
    const { user, onSuccess } = renderWidget({ institutionCode: 'mx_bank_oauth' }, { backend });
    await user.click(await screen.findByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    expect(await screen.findByText('Your browser blocked the window. Use this link to continue:')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: /Open MX Bank \(OAuth\) to log in/ });
    const uri = link.getAttribute('href') ?? '';
    expect(uri.startsWith(`${SANDBOX_ORIGIN}/oauth/authorize/`)).toBe(true);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await decide(backend, uri, 'authorize');
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    windows.stop();
  });

  it('notices within a few seconds that the person closed the bank window, and reopens it with a fresh URL', async () => {
    const windows = stubWindowOpen();
    const backend = createFakeBackend();
    const { user, onSuccess } = renderWidget({ institutionCode: 'mx_bank_oauth' }, { backend });
    await user.click(await screen.findByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    const first = windows.popups[0] as FakePopup;
    await waitFor(() => expect(first.location.replace).toHaveBeenCalled());
    await screen.findByText(/Waiting for you to finish/);
    first.closed = true;
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    expect(alert).toHaveTextContent('The MX Bank (OAuth) window was closed before you finished.');
    const reopen = screen.getByRole('button', { name: 'Reopen MX Bank (OAuth)' });
    expect(reopen).toHaveFocus();
    await user.click(reopen);
    const second = windows.popups[1] as FakePopup;
    await waitFor(() => expect(second.location.replace).toHaveBeenCalled());
    const secondUri = second.location.replace.mock.calls[0]?.[0] as string;
    expect(secondUri).not.toBe(first.location.replace.mock.calls[0]?.[0]);
    await decide(backend, secondUri, 'authorize');
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    windows.stop();
  });

  it('shows a denial, retries with a fresh single-use URL, and cancel returns to search', async () => {
    const windows = stubWindowOpen();
    const backend = createFakeBackend();
    const { user, onEvent, onExit } = renderWidget({ institutionCode: 'mx_bank_oauth' }, { backend });
    await user.click(await screen.findByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    const first = windows.popups[0] as FakePopup;
    await waitFor(() => expect(first.location.replace).toHaveBeenCalled());
    const firstUri = first.location.replace.mock.calls[0]?.[0] as string;
    await decide(backend, firstUri, 'deny');
    expect(
      await screen.findByText('The connection was not completed at MX Bank (OAuth).', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    // What happened and what to do about it.
    expect(screen.getByRole('alert')).toHaveTextContent('open MX Bank (OAuth) again and allow access');
    await waitFor(() => expect(onEvent.mock.calls.some(([e]) => e.type === 'mx/connect/oauthError')).toBe(true));

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    const second = windows.popups[1] as FakePopup;
    await waitFor(() => expect(second.location.replace).toHaveBeenCalled());
    const secondUri = second.location.replace.mock.calls[0]?.[0] as string;
    expect(secondUri).not.toBe(firstUri);
    expect(await screen.findByText(/Waiting for you to finish/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Choose another bank' }));
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    expect(second.close).toHaveBeenCalled();
    expect(onExit).not.toHaveBeenCalled();
    windows.stop();
  });
});
