import * as v from 'valibot';

import type { components } from '../mx/mxTypes.generated';
import { ApiError, ContractError, parseRetryAfter } from './errors';
import {
  AccountsBodySchema,
  ChallengesBodySchema,
  CredentialsBodySchema,
  ErrorBodySchema,
  InstitutionBodySchema,
  InstitutionsBodySchema,
  MemberBodySchema,
  MembersBodySchema,
  MemberStatusBodySchema,
  OAuthWindowBodySchema,
} from './schemas';

type MemberCreateRequestBody = components['schemas']['MemberCreateRequestBody'];
type MemberUpdateRequestBody = components['schemas']['MemberUpdateRequestBody'];
type CredentialRequest = { guid: string; value: string };

/** Where the session token comes from: a fixed string, or a function asked again (once) after a 401. */
export type SessionTokenSource = string | (() => string | Promise<string>);

export interface ApiClientOptions {
  /** The proxy mount point, e.g. `/api/connect` or `https://partner.example/api/connect`. */
  baseUrl: string;
  sessionToken?: SessionTokenSource | undefined;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
}

export interface PageParams {
  page?: number;
  recordsPerPage?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Typed functions over the proxy routes (docs/architecture.md). Parses every body; never touches the page. */
export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const source = options.sessionToken;
  let token: Promise<string> | undefined;
  // What the proxy last said on an answer: whether it serves the status stream (docs/proxy.md). A proxy that says
  // nothing (older than the header) is polled, which every proxy answers.
  let hasStatusStream = false;
  /**
   * The token to send and the promise it came from. `refused`: the promise whose token a 401 refused; it is replaced,
   * unless another request already replaced it, so requests refused together share one refresh (one call to the host).
   */
  const getToken = async (refused?: Promise<string>): Promise<{ bearer?: string; from?: Promise<string> }> => {
    if (source === undefined) return {};
    if (typeof source === 'string') return { bearer: source };
    if (token === undefined || token === refused) token = Promise.resolve().then(source);
    const pending = token;
    try {
      return { bearer: await pending, from: pending };
    } catch {
      // The host could not give us a token: that is an expired session (a 401), not a bug. The failure is not cached,
      // so a later request (e.g. after "Start again") asks the host again.
      if (token === pending) token = undefined;
      throw new ApiError({ kind: 'http', status: 401, message: 'The host could not provide a session token.' });
    }
  };

  // `stream`: the body is read long after the headers (which the timeout still covers), so the caller's signal stays
  // wired to the request.
  async function send(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    stream?: { lastEventId: string | undefined },
    /** Set on the one retry after a 401: the token promise that was refused. */
    refused?: Promise<string>,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: stream ? 'text/event-stream' : 'application/json',
      'X-Member-Connect': '1',
    };
    if (stream?.lastEventId !== undefined) headers['Last-Event-ID'] = stream.lastEventId;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const { bearer, from } = await getToken(refused);
    if (bearer !== undefined) headers.Authorization = `Bearer ${bearer}`;

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: 'same-origin',
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ApiError({
        kind: timedOut ? 'timeout' : 'network',
        status: 0,
        message: timedOut ? 'The request timed out.' : 'The network request failed.',
      });
    } finally {
      clearTimeout(timer);
      if (!stream) signal?.removeEventListener('abort', onAbort);
    }

    // A rotated or expired session token is refreshed once per request when the host gave us a way to get one.
    if (response.status === 401 && from !== undefined && refused === undefined) {
      return send(method, path, body, signal, stream, from);
    }
    const saysStream = response.headers.get('X-Member-Connect-Stream');
    if (saysStream !== null) hasStatusStream = saysStream === '1';
    if (!response.ok) {
      const parsed = v.safeParse(ErrorBodySchema, await response.json().catch(() => null));
      throw new ApiError({
        kind: 'http',
        status: response.status,
        message: parsed.success ? parsed.output.error.message : `Request failed with status ${response.status}.`,
        retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
      });
    }
    return response;
  }

  async function json<T extends v.GenericSchema>(
    schema: T,
    method: string,
    path: string,
    init: { body?: unknown; signal?: AbortSignal | undefined } = {},
  ): Promise<v.InferOutput<T>> {
    const response = await send(method, path, init.body, init.signal);
    const data: unknown = await response.json().catch(() => undefined);
    const parsed = v.safeParse(schema, data);
    if (!parsed.success) {
      throw new ContractError(`Unexpected response from ${method} ${path.split('?')[0]}.`, response.status);
    }
    return parsed.output;
  }

  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  };
  const seg = encodeURIComponent;

  return {
    /** Whether the proxy said it serves `…/status/stream`; until it says so, the widget polls. */
    hasStatusStream: () => hasStatusStream,
    searchInstitutions: ({ name, page, recordsPerPage }: PageParams & { name: string }, signal?: AbortSignal) =>
      json(InstitutionsBodySchema, 'GET', `/institutions${query({ name, page, records_per_page: recordsPerPage })}`, {
        signal,
      }),
    listFavoriteInstitutions: ({ page, recordsPerPage }: PageParams = {}, signal?: AbortSignal) =>
      json(
        InstitutionsBodySchema,
        'GET',
        `/institutions/favorites${query({ page, records_per_page: recordsPerPage })}`,
        { signal },
      ),
    getInstitution: async (code: string, signal?: AbortSignal) =>
      (await json(InstitutionBodySchema, 'GET', `/institutions/${seg(code)}`, { signal })).institution,
    listInstitutionCredentials: async (code: string, signal?: AbortSignal) =>
      (
        await json(
          CredentialsBodySchema,
          'GET',
          `/institutions/${seg(code)}/credentials${query({ records_per_page: 100 })}`,
          {
            signal,
          },
        )
      ).credentials,
    listMembers: async (signal?: AbortSignal) =>
      (await json(MembersBodySchema, 'GET', `/members${query({ records_per_page: 100 })}`, { signal })).members,
    getMember: async (guid: string, signal?: AbortSignal) =>
      (await json(MemberBodySchema, 'GET', `/members/${seg(guid)}`, { signal })).member,
    createMember: async (input: {
      institutionCode: string;
      credentials: CredentialRequest[];
      skipAggregation?: boolean | undefined;
      isOAuth?: boolean | undefined;
    }) => {
      const body: MemberCreateRequestBody = {
        member: {
          institution_code: input.institutionCode,
          credentials: input.credentials,
          ...(input.skipAggregation === true ? { skip_aggregation: true } : {}),
          ...(input.isOAuth === true ? { is_oauth: true } : {}),
        },
        ...(input.isOAuth === true ? { referral_source: 'BROWSER' } : {}),
      };
      return (await json(MemberBodySchema, 'POST', '/members', { body })).member;
    },
    updateMember: async (
      guid: string,
      input: { credentials: CredentialRequest[]; skipAggregation?: boolean | undefined },
    ) => {
      const body: MemberUpdateRequestBody = {
        member: {
          credentials: input.credentials,
          ...(input.skipAggregation === true ? { skip_aggregation: true } : {}),
        },
      };
      return (await json(MemberBodySchema, 'PUT', `/members/${seg(guid)}`, { body })).member;
    },
    deleteMember: async (guid: string) => {
      await send('DELETE', `/members/${seg(guid)}`, undefined, undefined);
    },
    listMemberAccounts: async (guid: string, signal?: AbortSignal) =>
      (
        await json(AccountsBodySchema, 'GET', `/members/${seg(guid)}/accounts${query({ records_per_page: 100 })}`, {
          signal,
        })
      ).accounts,
    getMemberStatus: async (guid: string, signal?: AbortSignal) =>
      (await json(MemberStatusBodySchema, 'GET', `/members/${seg(guid)}/status`, { signal })).member,
    /** The raw answer of the status stream (`docs/proxy.md`, "Status stream"); the widget reads it in `statusStream.ts`. */
    openStatusStream: (guid: string, signal: AbortSignal, lastEventId?: string) =>
      send('GET', `/members/${seg(guid)}/status/stream`, undefined, signal, { lastEventId }),
    listChallenges: async (guid: string, signal?: AbortSignal) => {
      const response = await send('GET', `/members/${seg(guid)}/challenges`, undefined, signal);
      // 204 No Content: the member is not (or no longer) challenged.
      if (response.status === 204) return [];
      const parsed = v.safeParse(ChallengesBodySchema, await response.json().catch(() => undefined));
      if (!parsed.success) throw new ContractError('Unexpected response from GET /challenges.', response.status);
      return parsed.output.challenges;
    },
    resumeMember: async (guid: string, answers: CredentialRequest[]) =>
      (
        await json(MemberBodySchema, 'PUT', `/members/${seg(guid)}/resume`, {
          body: { member: { challenges: answers } },
        })
      ).member,
    aggregateMember: async (guid: string) =>
      (await json(MemberBodySchema, 'POST', `/members/${seg(guid)}/aggregate`)).member,
    /** Starts MX's verification job (account and routing numbers, which only the partner's backend reads). */
    verifyMember: async (guid: string) => (await json(MemberBodySchema, 'POST', `/members/${seg(guid)}/verify`)).member,
    getOAuthWindowUri: async (guid: string, skipAggregation = false) =>
      (
        await json(
          OAuthWindowBodySchema,
          'GET',
          `/members/${seg(guid)}/oauth_window_uri${query({
            referral_source: 'BROWSER',
            skip_aggregation: skipAggregation ? 'true' : undefined,
          })}`,
        )
      ).member.oauth_window_uri,
  };
}
