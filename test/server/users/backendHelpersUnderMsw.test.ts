// The backend helpers behind MSW, as a partner's own tests often reach MX: MSW forwards to the real sandbox. A refusal
// (MX's 409 for a taken user id, a 404) is judged by its status; its body is discarded without waiting, because under
// MSW in Node cancelling a mocked body never settles (mswjs/interceptors#799) and the call would end as a timeout.
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AccountNumbersError, ensureMxUser, readAccountNumbers } from '../../../src/server/index.ts';
import { createSandbox } from '../../../src/server/sandbox/index.ts';

const MX = { baseUrl: 'http://mx.test', clientId: 'sandbox-client-id', apiKey: 'sandbox-api-key', timeoutMs: 5_000 };
const sandbox = createSandbox();
const server = setupServer(http.all('http://mx.test/*', ({ request }) => sandbox.request(request)));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('backend helpers through MSW', () => {
  it('ensureMxUser finds the existing user after MX’s 409', async () => {
    const first = await ensureMxUser({ ...MX, id: 'msw-partner-user' });
    expect(await ensureMxUser({ ...MX, id: 'msw-partner-user' })).toBe(first);
  }, 15_000);

  it('readAccountNumbers reports MX’s 404 as refused, not as a timeout', async () => {
    const userGuid = await ensureMxUser({ ...MX, id: 'msw-partner-user-2' });
    const read = readAccountNumbers({ ...MX, userGuid, memberGuid: 'MBR-00000000-0000-4000-8000-000000000000' });
    await expect(read).rejects.toBeInstanceOf(AccountNumbersError);
    await expect(read).rejects.toMatchObject({ reason: 'refused', status: 404 });
  }, 15_000);
});
