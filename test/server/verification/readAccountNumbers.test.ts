// readAccountNumbers against the real sandbox: the partner's backend reads the numbers a verification gathered, with
// the guids onSuccess gave; clear errors for a wrong key, another user's member, an account without numbers.
import { describe, expect, it } from 'vitest';

import { AccountNumbersError, readAccountNumbers } from '../../../src/server/index.ts';
import {
  createSandbox,
  MX_MEDIA_TYPE,
  MXBANK_LOGIN_GUID,
  MXBANK_PASSWORD_GUID,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_ID,
} from '../../../src/server/sandbox/index.ts';

const MX = { baseUrl: 'http://sandbox.test', clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY };

async function verifiedMember({ verify = true } = {}) {
  let time = 1_800_000_000_000;
  const sandbox = createSandbox({ now: () => time, aggregationMs: 1_000 });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await sandbox.request(`${MX.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}`,
        Accept: MX_MEDIA_TYPE,
        'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, Record<string, string> & Record<string, unknown>>;
  };
  const userGuid = (await call('POST', '/users', { user: { id: `p-${crypto.randomUUID()}` } })).user?.guid ?? '';
  const otherUser = (await call('POST', '/users', { user: { id: `p-${crypto.randomUUID()}` } })).user?.guid ?? '';
  const memberGuid =
    (
      await call('POST', `/users/${userGuid}/members`, {
        member: {
          institution_code: 'mxbank',
          skip_aggregation: true,
          credentials: [
            { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
            { guid: MXBANK_PASSWORD_GUID, value: 'any' },
          ],
        },
      })
    ).member?.guid ?? '';
  await call('POST', `/users/${userGuid}/members/${memberGuid}/${verify ? 'verify' : 'aggregate'}`);
  time += 60_000;
  const accounts = (await call('GET', `/users/${userGuid}/members/${memberGuid}/accounts`)).accounts as unknown as {
    guid: string;
    type: string;
  }[];
  return { fetch: sandbox.request, userGuid, otherUser, memberGuid, accounts };
}

describe('readAccountNumbers', () => {
  it("reads a verified member's checking and savings numbers, and one account's by its guid", async () => {
    const { fetch, userGuid, memberGuid, accounts } = await verifiedMember();
    const all = await readAccountNumbers({ ...MX, fetch, userGuid, memberGuid });
    const deposit = accounts.filter((account) => account.type === 'CHECKING' || account.type === 'SAVINGS');
    expect(all.map((numbers) => numbers.accountGuid)).toEqual(deposit.map((account) => account.guid));
    for (const numbers of all) {
      expect(numbers).toEqual({
        accountGuid: expect.stringMatching(/^ACT-/),
        memberGuid,
        accountNumber: expect.stringMatching(/^\d{10}$/),
        routingNumber: expect.stringMatching(/^\d{9}$/),
        institutionNumber: null,
        transitNumber: null,
        passedValidation: true,
      });
    }
    const savings = deposit[1]?.guid ?? '';
    expect(await readAccountNumbers({ ...MX, fetch, userGuid, memberGuid, accountGuid: savings })).toEqual([all[1]]);
  });

  it('says clearly when an account has no numbers (a card) or the member was never verified', async () => {
    const { fetch, userGuid, memberGuid, accounts } = await verifiedMember();
    const card = accounts.find((account) => account.type === 'CREDIT_CARD')?.guid ?? '';
    const failure = readAccountNumbers({ ...MX, fetch, userGuid, memberGuid, accountGuid: card });
    await expect(failure).rejects.toThrow(AccountNumbersError);
    await expect(failure).rejects.toMatchObject({ reason: 'notFound' });

    const aggregated = await verifiedMember({ verify: false });
    const { fetch: fetch2, userGuid: user2, memberGuid: member2 } = aggregated;
    expect(await readAccountNumbers({ ...MX, fetch: fetch2, userGuid: user2, memberGuid: member2 })).toEqual([]);
  });

  it("refuses another user's member and a wrong key, naming the call and status but no guid, key or number", async () => {
    const { fetch, userGuid, otherUser, memberGuid } = await verifiedMember();
    const stranger = readAccountNumbers({ ...MX, fetch, userGuid: otherUser, memberGuid });
    await expect(stranger).rejects.toMatchObject({ reason: 'refused', status: 404 });
    const wrongKey = readAccountNumbers({ ...MX, apiKey: 'wrong-key', fetch, userGuid, memberGuid });
    await expect(wrongKey).rejects.toMatchObject({
      reason: 'refused',
      status: 401,
      message: 'GET http://sandbox.test/users/…/members/…/account_numbers answered 401.',
    });
  });

  it('refuses guids that are not MX guids before calling MX', async () => {
    let called = false;
    const fetch = () => {
      called = true;
      return Promise.resolve(new Response('{}'));
    };
    const base = { ...MX, fetch, userGuid: 'USR-1', memberGuid: 'MBR-1' };
    await expect(readAccountNumbers({ ...base, memberGuid: '../accounts' })).rejects.toThrow(TypeError);
    await expect(readAccountNumbers({ ...base, userGuid: 'USR-1/x' })).rejects.toThrow(TypeError);
    await expect(readAccountNumbers({ ...base, accountGuid: 'ACT-1?x=1' })).rejects.toThrow(TypeError);
    expect(called).toBe(false);
  });

  it('reports an MX that never answers as a timeout, and an answer of another shape as invalid', async () => {
    const base = { ...MX, userGuid: 'USR-1', memberGuid: 'MBR-1' };
    const hang = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    await expect(readAccountNumbers({ ...base, fetch: hang, timeoutMs: 50 })).rejects.toMatchObject({
      reason: 'timeout',
    });
    const odd = () => Promise.resolve(new Response(JSON.stringify({ accounts: [] }), { status: 200 }));
    await expect(readAccountNumbers({ ...base, fetch: odd })).rejects.toMatchObject({ reason: 'invalid' });
  });
});
