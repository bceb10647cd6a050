import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { createApiClient } from '../../src/api/client';
import { ApiError, ContractError, parseRetryAfter } from '../../src/api/errors';
import { memberStatusQuery, pollDelay, retryDelay, retryDelayWith, shouldRetry } from '../../src/api/queries';
import { isPollingDone } from '../../src/widget/connectionOutcomes';
import { createFakeBackend } from '../support/fakeBackend';
import { server } from '../support/mswServer';

const BASE = 'http://localhost:3000/api/connect';

function withBackend() {
  const backend = createFakeBackend();
  server.use(...backend.handlers);
  return backend;
}

/** A client whose first token ('old') the proxy refuses with 401; `sessionToken` hands out 'new' next. */
function withExpiringToken() {
  server.use(
    http.all('*/api/connect/*', ({ request }) =>
      request.headers.get('authorization') === 'Bearer old'
        ? HttpResponse.json({ error: { message: 'expired' } }, { status: 401 })
        : undefined,
    ),
  );
  const tokens = ['old', 'new'];
  const sessionToken = vi.fn(async () => tokens.shift() ?? 'none');
  return { client: createApiClient({ baseUrl: BASE, sessionToken }), sessionToken };
}

describe('createApiClient', { timeout: 20_000 }, () => {
  it('searches institutions through the real proxy and sandbox, parsing the body', async () => {
    withBackend();
    const client = createApiClient({ baseUrl: BASE });
    const result = await client.searchInstitutions({ name: 'mx bank', page: 1, recordsPerPage: 10 });
    expect(result.institutions[0]).toMatchObject({ code: 'mxbank', name: 'MX Bank' });
    expect(result.pagination?.currentPage).toBe(1);
    const credentials = await client.listInstitutionCredentials('mxbank');
    expect(credentials.map((c) => c.type)).toEqual(['LOGIN', 'PASSWORD']);
  });

  it('knows whether the proxy serves the status stream from what its answers say', async () => {
    server.use(...createFakeBackend({ statusStream: true }).handlers);
    const client = createApiClient({ baseUrl: BASE });
    expect(client.hasStatusStream()).toBe(false);
    await client.listFavoriteInstitutions();
    expect(client.hasStatusStream()).toBe(true);
    // A refusal says nothing about it: what the proxy said before stands.
    await expect(client.getInstitution('no_such_bank')).rejects.toThrow(ApiError);
    expect(client.hasStatusStream()).toBe(true);
    withBackend();
    await client.listFavoriteInstitutions();
    expect(client.hasStatusStream()).toBe(false);
  });

  it('sends the CSRF header and the bearer token on every request', async () => {
    withBackend();
    const seen: Headers[] = [];
    server.use(
      http.all('*/api/connect/*', ({ request }) => {
        seen.push(request.headers);
        return undefined;
      }),
    );
    const client = createApiClient({ baseUrl: BASE, sessionToken: 'tok-1' });
    await client.listFavoriteInstitutions();
    expect(seen[0]?.get('x-member-connect')).toBe('1');
    expect(seen[0]?.get('authorization')).toBe('Bearer tok-1');
  });

  it('refreshes a function token once on 401 and retries', async () => {
    withBackend();
    const { client, sessionToken } = withExpiringToken();
    const favorites = await client.listFavoriteInstitutions();
    expect(favorites.institutions.length).toBeGreaterThan(0);
    expect(sessionToken).toHaveBeenCalledTimes(2);
  });

  it('refreshes once for requests refused together, and sends them all again with the new token', async () => {
    const { client, sessionToken } = withExpiringToken();
    const answers = await Promise.all([
      client.listFavoriteInstitutions(),
      client.searchInstitutions({ name: 'mx', page: 1, recordsPerPage: 5 }),
      client.getInstitution('mxbank'),
    ]);
    expect(answers).toHaveLength(3);
    // Asked for the first token, then once more for all three 401s (each refreshing would ask three more times).
    expect(sessionToken).toHaveBeenCalledTimes(2);
  });

  it('gives up after one refresh with a 401 ApiError', async () => {
    server.use(
      http.all('*/api/connect/*', () => HttpResponse.json({ error: { message: 'expired' } }, { status: 401 })),
    );
    const sessionToken = vi.fn(() => 'always-bad');
    const client = createApiClient({ baseUrl: BASE, sessionToken });
    const error = await client.getMember('MBR-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, kind: 'http', message: 'expired' });
    expect(sessionToken).toHaveBeenCalledTimes(2);
  });

  it('turns a rejected token function into a 401 ApiError and asks the host again next time', async () => {
    withBackend();
    const sessionToken = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error('host is offline'));
    sessionToken.mockResolvedValue('fresh');
    const client = createApiClient({ baseUrl: BASE, sessionToken });
    const error = await client.listFavoriteInstitutions().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, kind: 'http' });
    // The failure was not cached: the next request gets a token and succeeds.
    const favorites = await client.listFavoriteInstitutions();
    expect(favorites.institutions.length).toBeGreaterThan(0);
    expect(sessionToken).toHaveBeenCalledTimes(2);
  });

  it('reports 429 with Retry-After, network errors, timeouts and contract violations', async () => {
    server.use(
      http.get('*/api/connect/members/MBR-429/status', () =>
        HttpResponse.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'Retry-After': '7' } }),
      ),
      http.get('*/api/connect/members/MBR-net/status', () => HttpResponse.error()),
      http.get('*/api/connect/members/MBR-slow/status', async () => {
        await new Promise((r) => setTimeout(r, 300));
        return HttpResponse.json({});
      }),
      http.get('*/api/connect/members/MBR-bad/status', () => HttpResponse.json({ member: { connection_status: 3 } })),
    );
    const client = createApiClient({ baseUrl: BASE, timeoutMs: 50 });
    await expect(client.getMemberStatus('MBR-429')).rejects.toMatchObject({
      status: 429,
      retryAfter: 7,
      isRetryable: true,
    });
    await expect(client.getMemberStatus('MBR-net')).rejects.toMatchObject({ kind: 'network', status: 0 });
    await expect(client.getMemberStatus('MBR-slow')).rejects.toMatchObject({ kind: 'timeout', status: 0 });
    await expect(client.getMemberStatus('MBR-bad')).rejects.toBeInstanceOf(ContractError);
  });

  it('treats 204 from /challenges as no challenges', async () => {
    server.use(http.get('*/api/connect/members/MBR-1/challenges', () => new HttpResponse(null, { status: 204 })));
    expect(await createApiClient({ baseUrl: BASE }).listChallenges('MBR-1')).toEqual([]);
  });
});

describe('retry and polling policy', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('waits exactly Retry-After before retrying a 429, and backs off otherwise', () => {
    const limited = new ApiError({ kind: 'http', status: 429, message: 'x', retryAfter: 7 });
    expect(retryDelay(1, limited)).toBe(7000);
    expect(retryDelay(1, new ApiError({ kind: 'network', status: 0, message: 'x' }))).toBe(2000);
    expect(retryDelay(5, new ApiError({ kind: 'network', status: 0, message: 'x' }))).toBe(8000);
    // An injected back-off (tests, stories) replaces only the widget's own wait, never the server's Retry-After.
    const quick = retryDelayWith((failureCount) => 10 * (failureCount + 1));
    expect(quick(1, new ApiError({ kind: 'network', status: 0, message: 'x' }))).toBe(20);
    expect(quick(1, limited)).toBe(7000);
    expect(shouldRetry(0, limited)).toBe(true);
    expect(shouldRetry(0, new ApiError({ kind: 'http', status: 400, message: 'x' }))).toBe(false);
    expect(shouldRetry(0, new ApiError({ kind: 'http', status: 401, message: 'x' }))).toBe(false);
    expect(shouldRetry(3, limited)).toBe(false);
  });

  it('polls fast first, then backs off, and stops on a terminal status', () => {
    const schedule = { delaysMs: [1000, 2000, 3000] };
    expect([0, 1, 2, 3, 10].map((n) => pollDelay(schedule, n))).toEqual([1000, 2000, 3000, 3000, 3000]);
    const options = memberStatusQuery(createApiClient({ baseUrl: BASE }), 'MBR-1', {
      schedule,
      isDone: (status) => isPollingDone(status, false),
    });
    const interval = options.refetchInterval as (query: unknown) => number | false;
    const query = (data: unknown, dataUpdateCount: number) => ({ state: { data, dataUpdateCount } });
    expect(interval(query(undefined, 0))).toBe(1000);
    expect(interval(query({ connection_status: 'CREATED', is_being_aggregated: true }, 2))).toBe(3000);
    expect(interval(query({ connection_status: 'CONNECTED', is_being_aggregated: false }, 3))).toBe(false);
    expect(interval(query({ connection_status: 'CHALLENGED', is_being_aggregated: true }, 3))).toBe(false);
    expect(interval(query({ connection_status: 'PENDING', is_being_aggregated: false }, 3))).toBe(false);
    const oauth = memberStatusQuery(createApiClient({ baseUrl: BASE }), 'MBR-1', {
      schedule,
      isDone: (status) => isPollingDone(status, true),
    });
    expect((oauth.refetchInterval as (q: unknown) => number | false)(query({ connection_status: 'PENDING' }, 1))).toBe(
      2000,
    );
    // Polling pauses while the page is hidden.
    expect(options.refetchIntervalInBackground).toBe(false);
  });
});
