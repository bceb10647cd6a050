import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
import type { components } from '../../mx/mxTypes.generated.ts';
import type { ProxyFetch } from '../proxy/callUpstream.ts';

type UserResponseBody = components['schemas']['UserResponseBody'];
type UsersResponseBody = components['schemas']['UsersResponseBody'];
type UserCreateRequestBody = components['schemas']['UserCreateRequestBody'];

const USER_GUID = /^USR-[A-Za-z0-9-]+$/;

export interface EnsureMxUserOptions {
  /** MX base URL: `https://int-api.mx.com`, `https://api.mx.com` or a sandbox URL. */
  baseUrl: string;
  clientId: string;
  apiKey: string;
  /** Your own, stable id for this person (MX's user `id`): the same id always finds the same MX user. */
  id: string;
  /** Stored on a newly created MX user (`metadata`); never sent for one that exists. */
  metadata?: string;
  /** Deadline for the whole call (both requests when the user exists), in ms. @default 10_000 */
  timeoutMs?: number;
  /** Cancels the call early (a client that went away). */
  signal?: AbortSignal;
  /** Used for the MX calls; anything fetch-like (`fetch: sandbox.request` fits). @default globalThis.fetch */
  fetch?: ProxyFetch;
}

/** Why `ensureMxUser` failed: `timeout` (MX too slow), `refused` (an MX status, e.g. 401 for a wrong key), `invalid`. */
export class MxUserError extends Error {
  override name = 'MxUserError';
  constructor(
    message: string,
    readonly reason: 'timeout' | 'refused' | 'invalid' | 'unreachable',
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Creates or finds the MX user for one of your users and returns its guid (`USR-…`), the value `authenticate` returns.
 * `POST /users` with your `id`; when MX answers 409 (a user with that id exists), `GET /users?id=` finds it. Call it
 * once per person (at sign-up or on their first connection) and store the guid with them.
 *
 * @throws MxUserError with a message naming the MX call and its status, never MX's response body or your API key.
 * @example
 * const userGuid = await ensureMxUser({ baseUrl, clientId, apiKey, id: `partner-user-${user.id}` });
 */
export async function ensureMxUser(options: EnsureMxUserOptions): Promise<string> {
  const { baseUrl, clientId, apiKey, id } = options;
  if (typeof id !== 'string' || id.trim() === '')
    throw new TypeError('ensureMxUser: option `id` must be a non-empty string.');
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const doFetch = options.fetch ?? fetch;
  const headers = {
    Accept: MX_MEDIA_TYPE,
    'Content-Type': 'application/json',
    Authorization: `Basic ${btoa(`${clientId}:${apiKey}`)}`,
  };

  const call = async <T>(what: string, url: string, init: RequestInit): Promise<{ status: number; body?: T }> => {
    try {
      const response = await doFetch(url, { ...init, headers, signal, redirect: 'error' });
      if (!response.ok) {
        await response.body?.cancel();
        return { status: response.status };
      }
      return { status: response.status, body: (await response.json()) as T };
    } catch (error) {
      if (deadline.aborted) throw new MxUserError(`${what} got no answer within ${timeoutMs} ms.`, 'timeout');
      if (options.signal?.aborted) throw error;
      if (error instanceof SyntaxError) throw new MxUserError(`${what} answered with invalid JSON.`, 'invalid');
      throw new MxUserError(
        `${what} failed: ${error instanceof Error ? error.message : 'network error'}.`,
        'unreachable',
      );
    }
  };

  const body: UserCreateRequestBody = {
    user: { id, ...(options.metadata === undefined ? {} : { metadata: options.metadata }) },
  };
  const create = `POST ${base}/users`;
  const created = await call<UserResponseBody>(create, `${base}/users`, { method: 'POST', body: JSON.stringify(body) });
  if (created.status !== 409) {
    if (created.body === undefined)
      throw new MxUserError(`${create} answered ${created.status}.`, 'refused', created.status);
    return guidOf(created.body.user?.guid, create);
  }

  // 409: a user with this id exists already (created earlier, or by a concurrent call): find it.
  const find = `GET ${base}/users?id=…`;
  const found = await call<UsersResponseBody>(find, `${base}/users?${new URLSearchParams({ id })}`, { method: 'GET' });
  if (found.body === undefined) throw new MxUserError(`${find} answered ${found.status}.`, 'refused', found.status);
  const match = found.body.users?.find((user) => user.id === id);
  if (match === undefined) {
    throw new MxUserError(`${create} answered 409 (the id exists) but ${find} found no user with that id.`, 'invalid');
  }
  return guidOf(match.guid, find);
}

function guidOf(guid: string | null | undefined, what: string): string {
  if (typeof guid !== 'string' || !USER_GUID.test(guid))
    throw new MxUserError(`${what} answered without a user guid.`, 'invalid');
  return guid;
}
