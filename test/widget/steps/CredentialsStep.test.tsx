import { render, screen, waitFor } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { getCatalogue } from '../../../src/server/sandbox/catalogue';
import { en } from '../../../src/widget/copy';
import { SafeRichText } from '../../../src/widget/steps/CredentialsStep/InstitutionHelp';
import { CopyContext } from '../../../src/widget/ui/copyContext';
import { createFakeBackend } from '../../support/fakeBackend';
import { server } from '../../support/mswServer';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const MXBANK_LOGIN = 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1';
const MXBANK_PASSWORD = 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d';

async function fillAndSubmit(user: ReturnType<typeof renderWidget>['user'], password: string) {
  await user.type(await screen.findByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

function countRequests(method: string, path: RegExp) {
  const seen: string[] = [];
  const listener = ({ request }: { request: Request }) => {
    if (request.method === method && path.test(new URL(request.url).pathname)) seen.push(request.url);
  };
  server.events.on('request:start', listener);
  return { count: () => seen.length, stop: () => server.events.removeListener('request:start', listener) };
}

describe('credentials step', { timeout: 20_000 }, () => {
  it('shows the institution header and form without accessibility violations', async () => {
    const { container } = renderWidget({ institutionCode: 'mxbank' });
    await screen.findByLabelText('Username');
    expect(screen.getByRole('heading', { name: 'Log in to MX Bank' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'MX Bank logo' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('renders instructional text safely: links stay links, no markup leaks, logo falls back to an initial', async () => {
    const institution = getCatalogue().all.find(
      (i) => !i.supports_oauth && !i.code.startsWith('fault_') && (i.instructional_text ?? '').includes('<a '),
    );
    if (institution === undefined) throw new Error('the sandbox has no institution with instructional links');
    const { container } = renderWidget(
      { institutionCode: institution.code },
      {
        overrides: [
          http.get(`*/api/connect/institutions/${institution.code}`, () =>
            HttpResponse.json({
              institution: {
                ...institution,
                medium_logo_url: 'javascript:alert(1)',
                instructional_text: `${institution.instructional_text ?? ''} <img src=x onerror=alert(1)><a href="javascript:alert(1)">bad</a>`,
              },
            }),
          ),
        ],
      },
    );
    await screen.findByRole('button', { name: 'Continue' });
    const [, href = '', label = ''] =
      /<a[^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/.exec(institution.instructional_text ?? '') ?? [];
    expect(
      screen.getByRole('link', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }),
    ).toHaveAttribute('href', href);
    expect(screen.queryByRole('link', { name: /bad/ })).toBeNull();
    expect(container.querySelector('img[src="x"]')).toBeNull();
    expect(container.textContent).not.toContain('<a');
    expect(screen.getByRole('img', { name: `${institution.name} logo` }).tagName).toBe('SPAN');
    expect(screen.getByRole('link', { name: new RegExp(`^Go to ${institution.name} website`) })).toHaveAttribute(
      'target',
      '_blank',
    );
  });

  it('creates exactly one member on a double click', async () => {
    const posts = countRequests('POST', /\/api\/connect\/members$/);
    const { user, onSuccess } = renderWidget({ institutionCode: 'mxbank' });
    await user.type(await screen.findByLabelText('Username'), 'mxuser');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.dblClick(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(posts.count()).toBe(1);
    posts.stop();
  });

  it('sends skip_aggregation when asked', async () => {
    let body: unknown;
    const { user } = renderWidget(
      { institutionCode: 'mxbank', skipAggregation: true },
      {
        overrides: [
          http.post('*/api/connect/members', async ({ request }) => {
            body = await request.clone().json();
            return undefined;
          }),
        ],
      },
    );
    await fillAndSubmit(user, 'pw');
    await waitFor(() => expect(body).toMatchObject({ member: { institution_code: 'mxbank', skip_aggregation: true } }));
  });

  it.each([
    ['a network error', () => HttpResponse.error(), 'We could not reach the server.'],
    [
      'a server error',
      () => HttpResponse.json({ error: { message: 'upstream down' } }, { status: 502 }),
      'Something went wrong on our side.',
    ],
    [
      'a rate limit',
      () => HttpResponse.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'Retry-After': '3' } }),
      'Too many attempts.',
    ],
    [
      'a timeout',
      async () => {
        await delay(500);
        return HttpResponse.json({});
      },
      'The server took too long to answer.',
    ],
  ] as const)('explains %s, keeps what was typed, and succeeds on retry', async (_kind, resolver, message) => {
    const { user, onSuccess, onEvent } = renderWidget(
      { institutionCode: 'mxbank' },
      { overrides: [http.post('*/api/connect/members', resolver, { once: true })], timing: { requestTimeoutMs: 200 } },
    );
    await fillAndSubmit(user, 'kept-password');
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    expect(alert).toHaveTextContent(message);
    expect(screen.getByRole('button', { name: 'Continue' }).closest('form')).toHaveAccessibleDescription(
      expect.stringContaining(message),
    );
    expect(screen.getByLabelText('Username')).toHaveValue('mxuser');
    expect(screen.getByLabelText('Password')).toHaveValue('kept-password');
    expect(onEvent.mock.calls.some(([e]) => e.type === 'mx/connect/createMemberError')).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(JSON.stringify(onEvent.mock.calls)).not.toContain('kept-password');
  });

  it('explains a duplicate and offers the existing member (create)', async () => {
    const backend = createFakeBackend();
    const first = renderWidget({ institutionCode: 'mxbank' }, { backend });
    await fillAndSubmit(first.user, 'same-password');
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(first.onSuccess).toHaveBeenCalledTimes(1));
    const existing = first.onSuccess.mock.calls[0]?.[0].memberGuid;
    first.unmount();

    const second = renderWidget({ institutionCode: 'mxbank' }, { backend });
    await fillAndSubmit(second.user, 'same-password');
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    expect(alert).toHaveTextContent('This account is already connected.');
    await expectNoAxeViolations(second.container);
    await second.user.click(await screen.findByRole('button', { name: 'Use the existing connection' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() =>
      expect(second.onSuccess).toHaveBeenCalledWith({
        memberGuid: existing,
        institutionCode: 'mxbank',
        accounts: expect.any(Array),
      }),
    );
  });

  it('updates an existing member in update mode (PUT) and explains a duplicate on update', async () => {
    const backend = createFakeBackend();
    const userGuid = await backend.userGuid();
    const create = async (password: string) => {
      const response = await backend.sandboxRequest(`/users/${userGuid}/members`, {
        method: 'POST',
        body: JSON.stringify({
          member: {
            institution_code: 'mxbank',
            credentials: [
              { guid: MXBANK_LOGIN, value: 'mxuser' },
              { guid: MXBANK_PASSWORD, value: password },
            ],
          },
        }),
      });
      return ((await response.json()) as { member: { guid: string } }).member.guid;
    };
    const denied = await create('INVALID');
    await create('taken-password');

    const puts = countRequests('PUT', new RegExp(`/members/${denied}$`));
    const { user, onSuccess, onEvent } = renderWidget({ memberGuid: denied }, { backend });
    await screen.findByRole('heading', { name: 'Update your credentials for MX Bank' }, { timeout: 4000 });
    await fillAndSubmit(user, 'taken-password');
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent(
      'This account is already connected.',
    );

    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'fresh-password');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() =>
      expect(onSuccess).toHaveBeenCalledWith({
        memberGuid: denied,
        institutionCode: 'mxbank',
        accounts: expect.any(Array),
      }),
    );
    expect(puts.count()).toBe(2);
    expect(onEvent.mock.calls.some(([e]) => e.type === 'mx/connect/updateCredentials')).toBe(true);
    puts.stop();
  });

  it('goes back to search and keeps the search cached', async () => {
    const searches = countRequests('GET', /\/api\/connect\/institutions$/);
    const { user, eventTypes } = renderWidget();
    await user.type(screen.getByLabelText('Search for your bank'), 'mx bank');
    await user.click(await screen.findByRole('option', { name: 'MX Bank' }));
    await screen.findByLabelText('Username');
    const before = searches.count();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('option', { name: 'MX Bank' })).toBeInTheDocument();
    expect(screen.getByLabelText('Search for your bank')).toHaveValue('mx bank');
    // Focus goes back to the bank that was chosen.
    expect(screen.getByRole('option', { name: 'MX Bank' })).toHaveFocus();
    expect(searches.count()).toBe(before);
    expect(eventTypes()).toContain('mx/connect/backToSearch');
    searches.stop();
  });
});

describe('instructional text', () => {
  it('ends the visible link text at the link: no stray space before the full stop', () => {
    render(
      <CopyContext.Provider value={en}>
        <p data-testid="text">
          <SafeRichText html={'Read this. <a href="https://mxbank.example/help">More about MX Bank</a>.'} />
        </p>
      </CopyContext.Provider>,
    );
    const link = screen.getByRole('link');
    const hidden = link.querySelector('.mc-visually-hidden');
    // What a sighted user sees: the page text without the screen-reader-only hint.
    const visible = (node: Node): string =>
      node === hidden
        ? ''
        : node.nodeType === Node.TEXT_NODE
          ? (node.textContent ?? '')
          : [...node.childNodes].map(visible).join('');
    expect(visible(link)).toBe('More about MX Bank');
    expect(visible(screen.getByTestId('text'))).toBe('Read this. More about MX Bank.');
    // The separating space is inside the hint, so Chromium names the link "More about MX Bank (opens in a new tab)".
    expect(hidden?.textContent).toBe(' (opens in a new tab)');
  });
});
