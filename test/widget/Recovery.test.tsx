import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { server } from '../support/mswServer';
import { expectNoAxeViolations, renderWidget } from '../support/renderWidget';

async function connectWith(user: ReturnType<typeof renderWidget>['user'], password: string) {
  await user.type(await screen.findByLabelText('Username', {}, { timeout: 4000 }), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('a way forward from every error', { timeout: 20_000 }, () => {
  it('LOCKED offers Try again after fixing it at the bank, which aggregates the same member again', async () => {
    const aggregates: string[] = [];
    const count = ({ request }: { request: Request }) => {
      if (request.method === 'POST' && request.url.endsWith('/aggregate')) aggregates.push(request.url);
    };
    server.events.on('request:start', count);
    const { user, container, onExit } = renderWidget({ institutionCode: 'mxbank' });
    await connectWith(user, 'LOCKED');
    await screen.findByRole('heading', { name: 'MX Bank needs your attention.' }, { timeout: 4000 });
    expect(screen.getByRole('link', { name: /Go to MX Bank website/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Choose another bank' })).toBeInTheDocument();
    await expectNoAxeViolations(container);

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    // The sandbox member is still locked, so the same outcome comes back, after a real second attempt.
    await waitFor(() => expect(aggregates).toHaveLength(1));
    expect(
      await screen.findByRole('heading', { name: 'MX Bank needs your attention.' }, { timeout: 4000 }),
    ).toHaveFocus();
    expect(onExit).not.toHaveBeenCalled();
    server.events.removeListener('request:start', count);
  });

  it('every failure offers another bank: back to search, the session still open', async () => {
    const { user, onExit } = renderWidget({ institutionCode: 'mxbank' });
    await connectWith(user, 'STATUS_DISCONTINUED');
    await screen.findByRole('heading', { name: 'This connection is not available.' }, { timeout: 4000 });
    await user.click(screen.getByRole('button', { name: 'Choose another bank' }));
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    expect(onExit).not.toHaveBeenCalled();
  });

  it('session expired: Start again asks the host for a fresh session and carries on', async () => {
    let expired = true;
    const refuseStaleTokens = http.all('*/api/connect/*', ({ request }) =>
      request.headers.get('Authorization') !== 'Bearer fresh'
        ? HttpResponse.json({ error: { message: 'Session expired.' } }, { status: 401 })
        : undefined,
    );
    const sessionToken = vi.fn(async () => (expired ? 'stale' : 'fresh'));
    const { user, onExit } = renderWidget({ sessionToken }, { overrides: [refuseStaleTokens] });
    expect(
      await screen.findByText('Your session has expired. Start again to continue.', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'sessionExpired' }));
    const asked = sessionToken.mock.calls.length;

    // The host can mint a new token now.
    expired = false;
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    await screen.findByRole('listbox', { name: 'Popular institutions' }, { timeout: 4000 });
    expect(sessionToken.mock.calls.length).toBeGreaterThan(asked);
  });

  it('the closed state inline offers Start again, never "close this window"; the new session reports on its own', async () => {
    const { user, onExit } = renderWidget({ institutionCode: 'mxbank' });
    await screen.findByLabelText('Username', {}, { timeout: 4000 });
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await screen.findByRole('heading', { name: 'Connection closed' }, { timeout: 4000 });
    expect(screen.queryByText(/close this window/i)).toBeNull();
    expect(screen.getByText('You left without connecting an account.')).toBeInTheDocument();
    await waitFor(() => expect(onExit).toHaveBeenCalledTimes(1));
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(await screen.findByRole('heading', { name: 'Select your institution' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(onExit).toHaveBeenCalledTimes(2));
  });
});
