import {
  type InfiniteData,
  infiniteQueryOptions,
  type Query,
  type QueryClient,
  queryOptions,
} from '@tanstack/react-query';

import { matchesSearch, searchOrder, searchTerm } from '../mx/institutionSearch';
import type { ApiClient } from './client';
import { ApiError } from './errors';
import type { InstitutionsBody, MemberStatus } from './schemas';

export const SEARCH_PAGE_SIZE = 25;

/** Poll delays in ms: the n-th poll waits `delays[n]`, the last value repeats (fast first, then backing off). */
export interface PollSchedule {
  delaysMs: readonly number[];
}
// MX asks for no more than one status request every 3 s (mx-platform.md §4.4): 3 s is reached after the first 3 s.
export const DEFAULT_POLL_SCHEDULE: PollSchedule = { delaysMs: [1000, 2000, 3000] };

export const pollDelay = (schedule: PollSchedule, pollsSoFar: number): number =>
  schedule.delaysMs[Math.min(pollsSoFar, schedule.delaysMs.length - 1)] ?? 3000;

/** Retries only failures that can heal by themselves; honours `Retry-After` on 429/503. */
export const shouldRetry = (failureCount: number, error: Error): boolean =>
  error instanceof ApiError && error.isRetryable && failureCount < 3;
/** The widget's own wait before retry `failureCount` when the server named none: 1 s, 2 s, 4 s, at most 8 s. */
export const DEFAULT_RETRY_BACKOFF = (failureCount: number): number => Math.min(1000 * 2 ** failureCount, 8000);
/** A `retryDelay` for TanStack Query: the server's `Retry-After` when it sent one, otherwise `backoff`. */
export const retryDelayWith =
  (backoff: (failureCount: number) => number) =>
  (failureCount: number, error: Error): number =>
    error instanceof ApiError && error.retryAfter !== undefined ? error.retryAfter * 1000 : backoff(failureCount);
export const retryDelay = retryDelayWith(DEFAULT_RETRY_BACKOFF);

export const institutionKeys = {
  all: ['institutions'] as const,
  favorites: () => [...institutionKeys.all, 'favorites'] as const,
  search: (name: string) => [...institutionKeys.all, 'search', name] as const,
  detail: (code: string) => [...institutionKeys.all, 'detail', code] as const,
  credentials: (code: string) => [...institutionKeys.all, 'credentials', code] as const,
};
export const memberKeys = {
  all: ['members'] as const,
  list: () => [...memberKeys.all, 'list'] as const,
  detail: (guid: string) => [...memberKeys.all, 'detail', guid] as const,
  // One entry per member. A step never acts on an answer cached by an earlier round: it waits for a fetch made after
  // it appeared (`isFetchedAfterMount` in widget/useMemberStatus.ts and MfaStep).
  status: (guid: string) => [...memberKeys.all, 'status', guid] as const,
  challenges: (guid: string) => [...memberKeys.all, 'challenges', guid] as const,
};

export const favoriteInstitutionsQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: institutionKeys.favorites(),
    queryFn: ({ signal }) => client.listFavoriteInstitutions({ recordsPerPage: SEARCH_PAGE_SIZE }, signal),
    staleTime: 5 * 60_000,
  });

// Results are cached for the session: going back to search costs no request.
const SEARCH_STALE_MS = 5 * 60_000;

export const institutionSearchQuery = (client: ApiClient, name: string, queryClient?: QueryClient) => {
  // Looked for only when the query enters the cache (TanStack calls these then, data first), not on each render.
  let source: Query | undefined;
  return infiniteQueryOptions({
    queryKey: institutionKeys.search(name),
    queryFn: ({ pageParam, signal }) =>
      client.searchInstitutions({ name, page: pageParam, recordsPerPage: SEARCH_PAGE_SIZE }, signal),
    initialPageParam: 1,
    getNextPageParam: (last) => {
      const { currentPage = 1, totalPages = 1 } = last.pagination ?? {};
      return currentPage < totalPages ? currentPage + 1 : undefined;
    },
    staleTime: SEARCH_STALE_MS,
    initialData: () => {
      const [from, data] = (queryClient && narrowedSearch(queryClient, name)) ?? [];
      source = from;
      return data;
    },
    initialDataUpdatedAt: () => source?.state.dataUpdatedAt,
  });
};

type SearchData = InfiniteData<InstitutionsBody, number>;

/**
 * A search answered without a request: typing on ("mx" → "mx ba" → "mx bank") narrows an answer the widget already
 * holds whole. Only a fresh answer to a query the new one contains, and only when it was complete (every match loaded,
 * which a short name usually fits in one page): then the new query's matches are all in it (src/mx/institutionSearch.ts
 * says why), and the same match and order give the answer MX would. An answer that would be empty is asked for anyway:
 * a typo is where a search that matches more loosely than the spec says would differ, and "no results" would strand
 * the person.
 */
function narrowedSearch(queryClient: QueryClient, name: string): [Query, SearchData] | undefined {
  const term = searchTerm(name);
  for (const query of queryClient.getQueryCache().findAll({ queryKey: [...institutionKeys.all, 'search'] })) {
    const earlier = query.queryKey[2];
    const pages = (query.state.data as SearchData | undefined)?.pages;
    if (typeof earlier !== 'string' || !term.includes(searchTerm(earlier)) || query.isStaleByTime(SEARCH_STALE_MS)) {
      continue;
    }
    const all = pages?.flatMap((page) => page.institutions) ?? [];
    if (all.length !== pages?.at(-1)?.pagination?.totalEntries) continue;
    const institutions = all.filter((institution) => matchesSearch(institution, term)).sort(searchOrder(term));
    if (institutions.length === 0) continue;
    const pagination = { currentPage: 1, perPage: SEARCH_PAGE_SIZE, totalEntries: institutions.length, totalPages: 1 };
    return [query, { pages: [{ institutions, pagination }], pageParams: [1] }];
  }
  return undefined;
}

export const institutionQuery = (client: ApiClient, code: string) =>
  queryOptions({
    queryKey: institutionKeys.detail(code),
    queryFn: ({ signal }) => client.getInstitution(code, signal),
    staleTime: 5 * 60_000,
  });

export const institutionCredentialsQuery = (client: ApiClient, code: string) =>
  queryOptions({
    queryKey: institutionKeys.credentials(code),
    queryFn: ({ signal }) => client.listInstitutionCredentials(code, signal),
    select: (fields) => [...fields].sort((a, b) => a.displayOrder - b.displayOrder),
    staleTime: 5 * 60_000,
  });

export const membersQuery = (client: ApiClient) =>
  queryOptions({ queryKey: memberKeys.list(), queryFn: ({ signal }) => client.listMembers(signal) });

export const memberQuery = (client: ApiClient, guid: string) =>
  queryOptions({ queryKey: memberKeys.detail(guid), queryFn: ({ signal }) => client.getMember(guid, signal) });

export const memberStatusQuery = (
  client: ApiClient,
  guid: string,
  /** `isDone`: whether an answer ends the poll (the widget's status table, `isPollingDone`). */
  { schedule, isDone }: { schedule: PollSchedule; isDone: (status: MemberStatus) => boolean },
) =>
  queryOptions({
    queryKey: memberKeys.status(guid),
    queryFn: ({ signal }) => client.getMemberStatus(guid, signal),
    refetchInterval: (query) =>
      query.state.data !== undefined && isDone(query.state.data)
        ? false
        : pollDelay(schedule, query.state.dataUpdateCount),
    // Polling pauses while the page is hidden (TanStack's focus manager follows document.visibilityState).
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: false,
    staleTime: 0,
  });

export const challengesQuery = (client: ApiClient, guid: string) =>
  queryOptions({
    queryKey: memberKeys.challenges(guid),
    queryFn: ({ signal }) => client.listChallenges(guid, signal),
    // Each MFA round asks again on arrival (a rejected answer brings a new question); nothing refetches it meanwhile.
    staleTime: 0,
  });

/** The member's accounts, read once on the success screen (they do not change while it is shown). */
export const memberAccountsQuery = (client: ApiClient, guid: string) =>
  queryOptions({
    queryKey: [...memberKeys.all, 'accounts', guid] as const,
    queryFn: ({ signal }) => client.listMemberAccounts(guid, signal),
    staleTime: Infinity,
    // `onSuccess` waits for this answer: one retry, not the usual three with back-off.
    retry: (failureCount, error) => failureCount < 1 && shouldRetry(failureCount, error),
  });
