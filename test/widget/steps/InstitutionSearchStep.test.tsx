import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { server } from '../../support/mswServer';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

function searchRequests() {
  const names: string[] = [];
  const listener = ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    if (url.pathname.endsWith('/api/connect/institutions')) names.push(url.searchParams.get('name') ?? '');
  };
  server.events.on('request:start', listener);
  return { names, stop: () => server.events.removeListener('request:start', listener) };
}

describe('institution search step', { timeout: 20_000 }, () => {
  it('shows favourites first, without accessibility violations', async () => {
    const { container } = renderWidget();
    const list = await screen.findByRole('list', { name: 'Popular institutions' });
    const names = within(list).getAllByRole('button').map((b) => b.textContent);
    expect(names.slice(0, 2)).toEqual(['MX Bank', 'MX Bank (OAuth)']);
    expect(screen.getByRole('heading', { name: 'Select your institution' })).not.toHaveFocus();
    await expectNoAxeViolations(container);
  });

  it('searches from 2 characters only, and debounces typing into one request', async () => {
    const requests = searchRequests();
    const { user, onEvent } = renderWidget({}, { timing: { searchDebounceMs: 150 } });
    await screen.findByRole('list', { name: 'Popular institutions' });
    await user.type(screen.getByLabelText('Search for your bank'), 'm');
    expect(screen.getByRole('list', { name: 'Popular institutions' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search for your bank'), 'xbank');
    await screen.findByRole('list', { name: 'Search results' });
    expect(requests.names).toEqual(['mxbank']);
    const searched = onEvent.mock.calls.map(([e]) => e).filter((e) => e.type === 'mx/connect/institutionSearch');
    expect(searched.map((e) => e.metadata)).toEqual([{ query: 'mxbank' }]);
    requests.stop();
  });

  it('pages with an announced "show more"', async () => {
    const { user, container } = renderWidget();
    await user.type(screen.getByLabelText('Search for your bank'), 'bank');
    const list = await screen.findByRole('list', { name: 'Search results' });
    const firstPage = within(list).getAllByRole('button').length;
    expect(firstPage).toBe(25);
    const status = screen.getByText(/^Showing 25 of \d+ institutions\.$/);
    expect(status).toHaveAttribute('role', 'status');
    await user.click(screen.getByRole('button', { name: 'Show more results' }));
    await waitFor(() => expect(within(list).getAllByRole('button').length).toBe(50));
    expect(screen.getByText(/^Showing 50 of \d+ institutions\.$/)).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('works with the keyboard: arrow keys move through results, Enter selects', async () => {
    const { user } = renderWidget();
    const input = screen.getByLabelText('Search for your bank');
    await user.click(input);
    await user.keyboard('mx bank');
    const list = await screen.findByRole('list', { name: 'Search results' });
    const buttons = within(list).getAllByRole('button');
    await user.keyboard('{ArrowDown}');
    expect(buttons[0]).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(buttons[1]).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(buttons[0]).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Log in to MX Bank' })).toHaveFocus();
  });

  it('says when nothing matches', async () => {
    const { user } = renderWidget();
    await user.type(screen.getByLabelText('Search for your bank'), 'zzzz no such bank');
    expect(await screen.findByText('No institutions match “zzzz no such bank”.')).toBeInTheDocument();
  });

  it('shows an error with a retry that works', async () => {
    const { user } = renderWidget(
      {},
      {
        overrides: [
          http.get('*/api/connect/institutions', () => HttpResponse.json({ error: { message: 'bad request' } }, { status: 400 }), {
            once: true,
          }),
        ],
      },
    );
    await user.click(screen.getByLabelText('Search for your bank'));
    await user.paste('mx bank');
    expect(await screen.findByRole('alert')).toHaveTextContent('We could not load institutions.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('list', { name: 'Search results' })).toBeInTheDocument();
  });
});
