// ensureMxUser against the real sandbox (in-process and over loopback HTTP), and against an MX that never answers.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureMxUser, MxUserError } from '../../../src/server/index.ts';
import { createSandbox } from '../../../src/server/sandbox/index.ts';

const MX = { baseUrl: 'http://sandbox.test', clientId: 'sandbox-client-id', apiKey: 'sandbox-api-key' };
const SANDBOX_HEADERS = {
  Accept: 'application/vnd.mx.api.v1+json',
  Authorization: `Basic ${btoa('sandbox-client-id:sandbox-api-key')}`,
};

function sandboxMx() {
  const sandbox = createSandbox();
  const fetch = sandbox.request;
  const usersWithId = async (id: string) => {
    const response = await sandbox.request(`/users?${new URLSearchParams({ id })}`, { headers: SANDBOX_HEADERS });
    return ((await response.json()) as { users: { guid: string; id: string; metadata: string | null }[] }).users;
  };
  return { fetch, usersWithId };
}

describe('ensureMxUser', () => {
  it('creates the MX user for a partner user id, with its metadata, and returns its guid', async () => {
    const mx = sandboxMx();
    const guid = await ensureMxUser({ ...MX, fetch: mx.fetch, id: 'partner-user-1', metadata: 'from the test' });
    expect(guid).toMatch(/^USR-/);
    expect(await mx.usersWithId('partner-user-1')).toEqual([
      expect.objectContaining({ guid, id: 'partner-user-1', metadata: 'from the test' }),
    ]);
  });

  it('finds the existing user when the id is taken (409), also for calls racing each other', async () => {
    const mx = sandboxMx();
    const first = await ensureMxUser({ ...MX, fetch: mx.fetch, id: 'partner-user-2' });
    expect(await ensureMxUser({ ...MX, fetch: mx.fetch, id: 'partner-user-2' })).toBe(first);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => ensureMxUser({ ...MX, fetch: mx.fetch, id: 'partner-user-3' })),
    );
    expect(new Set(racing).size).toBe(1);
    expect(await mx.usersWithId('partner-user-2')).toHaveLength(1);
    expect(await mx.usersWithId('partner-user-3')).toHaveLength(1);
  });

  it("names the failing call and status for a wrong API key, without the key or MX's body", async () => {
    const mx = sandboxMx();
    const failure = ensureMxUser({ ...MX, apiKey: 'wrong-key', fetch: mx.fetch, id: 'partner-user-4' });
    await expect(failure).rejects.toThrow(MxUserError);
    await expect(failure).rejects.toMatchObject({
      reason: 'refused',
      status: 401,
      message: 'POST http://sandbox.test/users answered 401.',
    });
  });

  it('refuses an empty id before calling MX', async () => {
    await expect(ensureMxUser({ ...MX, id: ' ' })).rejects.toThrow(TypeError);
  });

  describe('over the network', () => {
    let sandboxServer: Server;
    let silentServer: Server;
    let sandboxUrl: string;
    let silentUrl: string;
    beforeAll(async () => {
      const sandbox = createSandbox();
      sandboxServer = createServer(async (request, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const answer = await sandbox.request(request.url ?? '/', {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
        });
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      });
      // Accepts the connection and never answers.
      silentServer = createServer(() => {});
      for (const server of [sandboxServer, silentServer]) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      }
      sandboxUrl = `http://127.0.0.1:${(sandboxServer.address() as AddressInfo).port}`;
      silentUrl = `http://127.0.0.1:${(silentServer.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const server of [sandboxServer, silentServer]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('creates then finds the user through the global fetch', async () => {
      const guid = await ensureMxUser({ ...MX, baseUrl: `${sandboxUrl}/`, id: 'partner-user-5' });
      expect(guid).toMatch(/^USR-/);
      expect(await ensureMxUser({ ...MX, baseUrl: sandboxUrl, id: 'partner-user-5' })).toBe(guid);
    });

    it('gives up at its deadline with a timeout error instead of hanging', async () => {
      const failure = ensureMxUser({ ...MX, baseUrl: silentUrl, id: 'partner-user-6', timeoutMs: 50 });
      await expect(failure).rejects.toMatchObject({ name: 'MxUserError', reason: 'timeout' });
      await expect(failure).rejects.toThrow(/got no answer within 50 ms/);
    });
  });
});
