// The fake backend's status stream is fed by the sandbox's MX webhooks, which reach the proxy through MSW like every
// request here: every phase end, not only CREATED. It once sent CREATED alone, because the sandbox awaited cancelling
// the receiver's body, which never settles for a response MSW made in Node; the stream then waited for the proxy's
// 30 s safety poll.
import { expect, it } from 'vitest';

import { MXBANK_LOGIN_GUID, MXBANK_PASSWORD_GUID } from '../../src/server/sandbox/index.ts';
import { createFakeBackend, PROXY_PATH } from './fakeBackend';
import { server } from './mswServer';

const PROXY = `http://app.test${PROXY_PATH}`;
const HEADERS = { 'X-Member-Connect': '1', 'Content-Type': 'application/json' };

/** The stream's `status` events, read until one shows the job over (or the stream ends). */
async function statusesUntilDone(body: ReadableStream<Uint8Array>): Promise<{ connection_status: string }[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const statuses: { connection_status: string; is_being_aggregated: boolean }[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return statuses;
    buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!/^event: status$/m.test(block) || data === undefined) continue;
      const { member } = JSON.parse(data) as { member: (typeof statuses)[number] };
      statuses.push(member);
      if (!member.is_being_aggregated) {
        await reader.cancel();
        return statuses;
      }
    }
  }
}

it('streams a connect to its end, fed by the sandbox’s webhooks rather than the 30 s safety poll', async () => {
  const backend = createFakeBackend({ statusStream: true, aggregationMs: 50 });
  server.use(...backend.handlers);
  const created = await fetch(`${PROXY}/members`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: MXBANK_LOGIN_GUID, value: 'mxuser' },
          { guid: MXBANK_PASSWORD_GUID, value: 'any-password' },
        ],
      },
    }),
  });
  expect(created.status).toBe(202);
  const { member } = (await created.json()) as { member: { guid: string } };

  const stream = await fetch(`${PROXY}/members/${member.guid}/status/stream`, {
    headers: { ...HEADERS, Accept: 'text/event-stream' },
  });
  expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const statuses = await statusesUntilDone(stream.body!);
  expect(statuses.at(-1)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });

  // Read when the stream opened, then after webhooks: the 30 s safety poll is far past the test's timeout.
  const reads = backend.calls().filter((call) => call.method === 'GET' && call.path.endsWith('/status'));
  expect(reads.length).toBeGreaterThanOrEqual(2);
}, 10_000);
