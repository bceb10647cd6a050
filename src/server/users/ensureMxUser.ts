import type { components } from '../../mx/mxTypes.generated.ts';
import { mxBackendCaller, type MxBackendOptions } from '../mxBackendCall.ts';

type UserResponseBody = components['schemas']['UserResponseBody'];
type UsersResponseBody = components['schemas']['UsersResponseBody'];
type UserCreateRequestBody = components['schemas']['UserCreateRequestBody'];

const USER_GUID = /^USR-[A-Za-z0-9-]+$/;

export interface EnsureMxUserOptions extends MxBackendOptions {
  /** Your own, stable id for this person (MX's user `id`): the same id always finds the same MX user. */
  id: string;
  /** Stored on a newly created MX user (`metadata`); never sent for one that exists. */
  metadata?: string;
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
  const { id } = options;
  if (typeof id !== 'string' || id.trim() === '')
    throw new TypeError('ensureMxUser: option `id` must be a non-empty string.');
  const { base, call } = mxBackendCaller(options, (message, reason) => new MxUserError(message, reason));

  const body: UserCreateRequestBody = {
    user: { id, ...(options.metadata === undefined ? {} : { metadata: options.metadata }) },
  };
  const create = `POST ${base}/users`;
  const created = await call(create, '/users', { method: 'POST', body: JSON.stringify(body) });
  if (created.status !== 409) {
    if (created.body === undefined)
      throw new MxUserError(`${create} answered ${created.status}.`, 'refused', created.status);
    return guidOf((created.body as UserResponseBody).user?.guid, create);
  }

  // 409: a user with this id exists already (created earlier, or by a concurrent call): find it.
  const find = `GET ${base}/users?id=…`;
  const found = await call(find, `/users?${new URLSearchParams({ id })}`, { method: 'GET' });
  if (found.body === undefined) throw new MxUserError(`${find} answered ${found.status}.`, 'refused', found.status);
  const match = (found.body as UsersResponseBody).users?.find((user) => user.id === id);
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
