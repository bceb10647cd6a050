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
    const list = await screen.findByRole('listbox', { name: 'Popular institutions' });
    const names = within(list)
      .getAllByRole('option')
      .map((b) => b.textContent);
    expect(names.slice(0, 2)).toEqual(['MX Bank', 'MX Bank (OAuth)']);
    expect(screen.getByRole('heading', { name: 'Select your institution' })).not.toHaveFocus();
    await expectNoAxeViolations(container);
  });

  it('searches from 2 characters only, and debounces typing into one request', async () => {
    const requests = searchRequests();
    const { user, onEvent } = renderWidget({}, { timing: { searchDebounceMs: 150 } });
    await screen.findByRole('listbox', { name: 'Popular institutions' });
    await user.type(screen.getByLabelText('Search for your bank'), 'm');
    expect(screen.getByRole('listbox', { name: 'Popular institutions' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search for your bank'), 'xbank');
    await screen.findByRole('listbox', { name: 'Search results' });
    expect(requests.names).toEqual(['mxbank']);
    const searched = onEvent.mock.calls.map(([e]) => e).filter((e) => e.type === 'mx/connect/institutionSearch');
    expect(searched.map((e) => e.metadata)).toEqual([{ query: 'mxbank' }]);
    requests.stop();
  });

  it('narrows a whole answer as the person types on, without asking again, and says the new count', async () => {
    const requests = searchRequests();
    const { user } = renderWidget({}, { timing: { searchDebounceMs: 50 } });
    const input = screen.getByRole('searchbox', { name: 'Search for your bank' });
    await user.type(input, 'mx');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['MX Bank', 'MX Bank (OAuth)']);
    expect(screen.getByRole('status')).toHaveTextContent('Showing 2 of 2 institutions.');
    await user.type(input, ' bank (o');
    await waitFor(() =>
      expect(
        within(list)
          .getAllByRole('option')
          .map((option) => option.textContent),
      ).toEqual(['MX Bank (OAuth)']),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Showing 1 of 1 institutions.');
    expect(input).toHaveFocus();
    expect(requests.names).toEqual(['mx']);
    requests.stop();
  });

  it('pages with an announced "show more"', async () => {
    const { user, container } = renderWidget();
    await user.type(screen.getByLabelText('Search for your bank'), 'bank');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const firstPage = within(list).getAllByRole('option').length;
    expect(firstPage).toBe(25);
    const status = screen.getByText(/^Showing 25 of \d+ institutions\.$/);
    expect(status).toHaveAttribute('role', 'status');
    await user.click(screen.getByRole('button', { name: 'Show more results' }));
    await waitFor(() => expect(within(list).getAllByRole('option').length).toBe(50));
    expect(screen.getByText(/^Showing 50 of \d+ institutions\.$/)).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('makes the results one keyboard stop: arrows, Home/End, up to the box, Escape clears, Enter selects', async () => {
    const { user } = renderWidget();
    const input = screen.getByRole('searchbox', { name: 'Search for your bank' });
    await user.click(input);
    await user.keyboard('bank');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const options = within(list).getAllByRole('option');
    expect(options.length).toBeGreaterThan(2);
    // Tab enters the list once and leaves it on the next press.
    await user.tab();
    expect(options[0]).toHaveFocus();
    await user.tab();
    expect(list).not.toContainElement(document.activeElement as HTMLElement);
    await user.click(input);
    await user.keyboard('{ArrowDown}');
    expect(options[0]).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(options[1]).toHaveFocus();
    expect(options[1]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{End}');
    expect(options.at(-1)).toHaveFocus();
    await user.keyboard('{Home}');
    expect(options[0]).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(input).toHaveFocus();
    await user.keyboard('{ArrowDown}{Escape}');
    expect(input).toHaveFocus();
    expect(input).toHaveValue('');
    await user.keyboard('mx bank');
    await screen.findByRole('listbox', { name: 'Search results' });
    await user.keyboard('{ArrowDown}{Enter}');
    await screen.findByRole('heading', { name: 'Log in to MX Bank' });
    expect(document.activeElement).not.toBe(document.body);
  });

  it('hides the length hint once two characters are typed', async () => {
    const { user } = renderWidget();
    const input = screen.getByRole('searchbox', { name: 'Search for your bank' });
    expect(input).toHaveAccessibleDescription('Type at least 2 characters.');
    await user.type(input, 'mx');
    expect(screen.queryByText('Type at least 2 characters.')).toBeNull();
    expect(input).toHaveAttribute('placeholder', 'Bank or credit union name');
  });

  it('offers "My bank isn\'t listed" when nothing matches, which ends the session with its own reason', async () => {
    const { user, onExit, container } = renderWidget();
    await user.type(screen.getByRole('searchbox', { name: 'Search for your bank' }), 'zzzz no such bank');
    expect(
      await screen.findByText('Check the spelling, or try a shorter part of the name.', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'My bank isn’t listed' }));
    await waitFor(() => expect(onExit).toHaveBeenCalledWith({ reason: 'institutionNotListed' }));
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('says at once that an offline search failed, and keeps retrying in the background', async () => {
    let fail = true;
    const { user } = renderWidget(
      {},
      {
        overrides: [http.get('*/api/connect/institutions', () => (fail ? HttpResponse.error() : undefined))],
      },
    );
    await user.type(screen.getByRole('searchbox', { name: 'Search for your bank' }), 'mx bank');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('We could not reach the server.');
    expect(alert).toHaveTextContent('Still trying in the background…');
    fail = false;
    // The background retry (not a click) brings the results.
    expect(await screen.findByRole('listbox', { name: 'Search results' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
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
          http.get(
            '*/api/connect/institutions',
            () => HttpResponse.json({ error: { message: 'bad request' } }, { status: 400 }),
            {
              once: true,
            },
          ),
        ],
      },
    );
    await user.click(screen.getByLabelText('Search for your bank'));
    await user.paste('mx bank');
    expect(await screen.findByRole('alert')).toHaveTextContent('We could not load institutions.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('listbox', { name: 'Search results' })).toBeInTheDocument();
  });
});
