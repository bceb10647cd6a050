import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createFakeBackend, type FakeBackend } from '../../support/fakeBackend';
import { server } from '../../support/mswServer';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const SANDBOX_ORIGIN = 'http://sandbox.test';

interface FakePopup {
  closed: boolean;
  location: { replace: ReturnType<typeof vi.fn> };
  close: ReturnType<typeof vi.fn>;
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
    const popup: FakePopup = { closed: false, location: { replace: vi.fn() }, close: vi.fn() };
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

function postFromPopup(source: unknown, origin: string, type: string, memberGuid = 'MBR-x') {
  const event = new MessageEvent('message', { origin, data: { mx: true, type, metadata: { member_guid: memberGuid } } });
  Object.defineProperty(event, 'source', { value: source });
  act(() => {
    window.dispatchEvent(event);
  });
}

describe('OAuth step', { timeout: 20_000 }, () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens the popup inside the click, connects after consent, without accessibility violations', async () => {
    const windows = stubWindowOpen();
    const backend = createFakeBackend();
    const { user, container, onSuccess, onEvent } = renderWidget({}, { backend });
    await user.click(await screen.findByRole('button', { name: 'MX Bank (OAuth)' }));
    expect(await screen.findByRole('heading', { name: 'Connect with MX Bank (OAuth)' })).toHaveFocus();
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    // Opened before the member was created: no async hop between the click and window.open.
    expect(windows.open).toHaveBeenCalledTimes(1);
    expect(windows.memberPostsAtOpen).toEqual([0]);
    const popup = windows.popups[0] as FakePopup;
    await waitFor(() => expect(popup.location.replace).toHaveBeenCalledTimes(1));
    const uri = popup.location.replace.mock.calls[0]?.[0] as string;
    expect(uri.startsWith(`${SANDBOX_ORIGIN}/oauth/authorize/`)).toBe(true);
    expect(await screen.findByText(/Waiting for you to finish/)).toBeInTheDocument();
    const requested = onEvent.mock.calls.map(([e]) => e).find((e) => e.type === 'mx/connect/oauthRequested');
    expect(requested?.metadata).toMatchObject({ url: uri });

    await decide(backend, uri, 'authorize');
    postFromPopup(popup, SANDBOX_ORIGIN, 'oauthComplete/success');
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() =>
      expect(onSuccess).toHaveBeenCalledWith({ memberGuid: expect.stringMatching(/^MBR-/), institutionCode: 'mx_bank_oauth' }),
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
    await decide(backend, uri, 'authorize');
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    windows.stop();
  });

  it('ignores completion messages from another origin or another window', async () => {
    const windows = stubWindowOpen();
    const { user } = renderWidget({ institutionCode: 'mx_bank_oauth' });
    await user.click(await screen.findByRole('button', { name: 'Go to MX Bank (OAuth)' }));
    const popup = windows.popups[0] as FakePopup;
    await waitFor(() => expect(popup.location.replace).toHaveBeenCalled());
    await screen.findByText(/Waiting for you to finish/);
    postFromPopup(popup, 'https://evil.example', 'oauthComplete/error');
    postFromPopup({}, SANDBOX_ORIGIN, 'oauthComplete/error');
    postFromPopup(window, SANDBOX_ORIGIN, 'oauthComplete/error');
    expect(screen.queryByText(/The connection was not completed/)).toBeNull();
    expect(screen.getByText(/Waiting for you to finish/)).toBeInTheDocument();
    // The real popup's message is believed.
    postFromPopup(popup, SANDBOX_ORIGIN, 'oauthComplete/error');
    expect(await screen.findByText('The connection was not completed at MX Bank (OAuth).')).toBeInTheDocument();
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
    expect(await screen.findByText('The connection was not completed at MX Bank (OAuth).', {}, { timeout: 4000 })).toBeInTheDocument();
    await waitFor(() => expect(onEvent.mock.calls.some(([e]) => e.type === 'mx/connect/oauthError')).toBe(true));

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    const second = windows.popups[1] as FakePopup;
    await waitFor(() => expect(second.location.replace).toHaveBeenCalled());
    const secondUri = second.location.replace.mock.calls[0]?.[0] as string;
    expect(secondUri).not.toBe(firstUri);
    expect(await screen.findByText(/Waiting for you to finish/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Choose another institution' }));
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    expect(second.close).toHaveBeenCalled();
    expect(onExit).not.toHaveBeenCalled();
    windows.stop();
  });
});
