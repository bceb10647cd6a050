// How the bench talks to the sandbox as a partner backend does (Basic auth, MX's Accept header) and to the proxy as
// the widget does (Bearer session token, the CSRF header).
import { MX_MEDIA_TYPE } from '../src/mx/mxMediaType.ts';
import { httpRequest } from './httpRequest.ts';

export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_API_KEY = 'sandbox-api-key';

export const sandboxHeaders = (): Record<string, string> => ({
  Accept: MX_MEDIA_TYPE,
  'Content-Type': 'application/json',
  Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
});

export const proxyHeaders = (token: string): Record<string, string> => ({
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'X-Member-Connect': '1',
  Authorization: `Bearer ${token}`,
});

/** `POST /users` on the sandbox: what a partner backend does once per end user. */
export async function createSandboxUser(sandboxUrl: string, signal?: AbortSignal): Promise<string> {
  const response = await httpRequest(`${sandboxUrl}/users`, {
    method: 'POST',
    signal,
    headers: sandboxHeaders(),
    body: JSON.stringify({ user: { id: `bench-${crypto.randomUUID()}` } }),
  });
  if (response.status < 200 || response.status > 299) throw new Error(`POST /users answered ${response.status}`);
  const guid = (JSON.parse(response.text) as { user?: { guid?: string } }).user?.guid;
  if (!guid) throw new Error('POST /users answered without user.guid');
  return guid;
}
