import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
import type { components } from '../../mx/mxTypes.generated.ts';

type UserResponseBody = components['schemas']['UserResponseBody'];
type UserCreateRequestBody = components['schemas']['UserCreateRequestBody'];

export interface CreateMxUserOptions {
  baseUrl: string;
  clientId: string;
  apiKey: string;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
}

/** Creates one MX user (`POST /users`) for one demo visitor and returns its guid. */
export async function createMxUser({ baseUrl, clientId, apiKey, fetch }: CreateMxUserOptions): Promise<string> {
  const body: UserCreateRequestBody = {
    // MX refuses an empty user object; a unique id also makes the demo's users easy to find in MX's dashboard.
    user: { id: `member-connect-demo-${crypto.randomUUID()}`, metadata: 'member-connect demo visitor' },
  };
  const response = await fetch(`${baseUrl}/users`, {
    method: 'POST',
    headers: {
      Accept: MX_MEDIA_TYPE,
      'Content-Type': 'application/json',
      Authorization: `Basic ${btoa(`${clientId}:${apiKey}`)}`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    // The status is enough to diagnose (401: wrong client id or key); MX's body is not echoed to the visitor.
    throw new Error(`Creating an MX user failed: POST ${baseUrl}/users answered ${response.status}.`);
  }
  const json = (await response.json()) as UserResponseBody;
  const guid = json.user?.guid;
  if (typeof guid !== 'string' || guid === '') {
    throw new Error(`Creating an MX user failed: POST ${baseUrl}/users answered without user.guid.`);
  }
  return guid;
}
