import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';

import { createApiClient } from '../../src/api/client';
import { institutionKeys, institutionSearchQuery } from '../../src/api/queries';
import { getCatalogue } from '../../src/server/sandbox/catalogue';
import { createFakeBackend } from '../support/fakeBackend';
import { server } from '../support/mswServer';

const BASE = 'http://localhost:3000/api/connect';

/** The real proxy and sandbox, and the names of every search they answer. */
function withBackend() {
  server.use(...createFakeBackend({ rateLimit: false }).handlers);
  const searched: string[] = [];
  const listener = ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    if (url.pathname.endsWith('/api/connect/institutions')) searched.push(url.searchParams.get('name') ?? '');
  };
  server.events.on('request:start', listener);
  return { searched, stop: () => server.events.removeListener('request:start', listener) };
}

const client = createApiClient({ baseUrl: BASE });
const search = (queryClient: QueryClient, name: string) =>
  queryClient.fetchInfiniteQuery(institutionSearchQuery(client, name, queryClient));
/** What the server answers for `name`, asked with nothing cached. */
const serverAnswer = async (name: string) => (await search(new QueryClient(), name)).pages;

/** A query typed on from an earlier one: prefixes of catalogue names, with and without spaces. */
function typedPairs(): [string, string][] {
  const pairs: [string, string][] = [];
  const names = getCatalogue().all.map((institution) => institution.name);
  for (const name of names.filter((_, index) => index % 9 === 0)) {
    for (const form of [name, name.replaceAll(' ', '').toLowerCase()]) {
      for (let length = 2; length + 3 <= form.length; length += 3)
        pairs.push([form.slice(0, length), form.slice(0, length + 3)]);
    }
  }
  return pairs;
}

describe('search narrowed from an answer already held', { timeout: 60_000 }, () => {
  it('gives exactly what the server answers, in its order, without asking, whenever the earlier answer was whole', async () => {
    const requests = withBackend();
    let narrowed = 0;
    for (const [earlier, later] of typedPairs()) {
      const queryClient = new QueryClient();
      const first = await search(queryClient, earlier);
      const last = first.pages.at(-1)?.pagination;
      const isWhole = last !== undefined && last.totalPages <= 1;
      requests.searched.length = 0;
      const answer = await search(queryClient, later);
      const truth = await serverAnswer(later);
      const institutions = answer.pages.flatMap((page) => page.institutions);
      expect(institutions, `"${earlier}" → "${later}"`).toEqual(truth.flatMap((page) => page.institutions));
      expect(answer.pages.at(-1)?.pagination?.totalEntries).toBe(truth.at(-1)?.pagination?.totalEntries);
      // The truth itself cost one request; the narrowed answer none, unless it could not be narrowed.
      const asked = requests.searched.length - 1;
      if (isWhole && institutions.length > 0) {
        expect(asked, `"${earlier}" → "${later}"`).toBe(0);
        narrowed += 1;
      } else {
        expect(asked, `"${earlier}" → "${later}"`).toBe(1);
      }
    }
    // Enough of the pairs were narrowed (and some were not) for the checks above to mean something.
    expect(narrowed).toBeGreaterThan(50);
    requests.stop();
  });

  it('re-ranks a narrowed answer: names that start with the longer query first, then A–Z', async () => {
    // The sandbox's catalogue never has a name that stops starting with the query sort after one that never did, so
    // this answer to "ma" is written out, in the server's order: names that start with "ma" first, then A–Z.
    const requests = withBackend();
    const queryClient = new QueryClient();
    const [mxBank] = (await serverAnswer('mx bank'))[0]?.institutions ?? [];
    const names = ['Mab Savings', 'Maple Bank', 'Marsh Map Credit Union', 'Amap Bank'];
    const institutions = names.map((name) => ({ ...mxBank!, name, code: name.toLowerCase().replaceAll(' ', '_') }));
    const pagination = { currentPage: 1, perPage: 25, totalEntries: names.length, totalPages: 1 };
    queryClient.setQueryData(institutionKeys.search('ma'), { pages: [{ institutions, pagination }], pageParams: [1] });
    requests.searched.length = 0;
    const answer = await search(queryClient, 'map');
    expect(answer.pages[0]?.institutions.map((institution) => institution.name)).toEqual([
      'Maple Bank',
      'Amap Bank',
      'Marsh Map Credit Union',
    ]);
    expect(requests.searched).toEqual([]);
    requests.stop();
  });

  it('asks the server when the earlier answer was not whole, or the narrowed one would be empty', async () => {
    const requests = withBackend();
    const queryClient = new QueryClient();
    const first = await search(queryClient, 'ba');
    expect(first.pages[0]?.pagination?.totalPages).toBeGreaterThan(1);
    await search(queryClient, 'bank');
    await search(queryClient, 'mx');
    await search(queryClient, 'mxq');
    expect(requests.searched).toEqual(['ba', 'bank', 'mx', 'mxq']);
    requests.stop();
  });

  it('asks again once the earlier answer is no longer fresh', async () => {
    const requests = withBackend();
    const queryClient = new QueryClient();
    await search(queryClient, 'mx');
    await queryClient.invalidateQueries();
    await search(queryClient, 'mx bank');
    expect(requests.searched).toEqual(['mx', 'mx bank']);
    requests.stop();
  });
});
