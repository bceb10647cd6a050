import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { createFakeBackend, type FakeBackend } from '../support/fakeBackend';
import { renderWidget } from '../support/renderWidget';

type RenderOptions = NonNullable<Parameters<typeof renderWidget>[1]>;

/** Counts the widget's status polls and stream requests, then lets each go on to the fake backend (or `stream`). */
function counting(stream?: (request: Request, attempt: number) => Response | undefined) {
  const seen = { polls: 0, streams: [] as Request[] };
  const overrides = [
    http.get('*/api/connect/members/:guid/status', () => {
      seen.polls += 1;
    }),
    http.get('*/api/connect/members/:guid/status/stream', ({ request }) => {
      seen.streams.push(request);
      return stream?.(request, seen.streams.length);
    }),
  ];
  return { seen, overrides };
}

async function connect(password: string, options: RenderOptions) {
  const rendered = renderWidget({ institutionCode: 'mxbank' }, options);
  await rendered.user.type(await screen.findByLabelText('Username'), 'mxuser');
  await rendered.user.type(screen.getByLabelText('Password'), password);
  await rendered.user.click(screen.getByRole('button', { name: 'Continue' }));
  return rendered;
}

const connected = () => screen.findByRole('heading', { name: 'Connected' }, { timeout: 15_000 });

/** How many times the flow entered the MFA step. */
const mfaSteps = (onEvent: ReturnType<typeof renderWidget>['onEvent']) =>
  onEvent.mock.calls.filter(
    ([event]) => event.type === 'mx/connect/stepChange' && (event.metadata as { current?: string }).current === 'mfa',
  ).length;

/**
 * Passes the widget's stream requests to the real proxy, watching the events go by; `resend` sends the last event
 * matching a pattern once more with a new id, as a proxy would after a read that differs in some other field.
 */
function tapStreams(backend: FakeBackend) {
  const encoder = new TextEncoder();
  const events: string[] = [];
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  let opened = 0;
  let cancelled = 0;
  let inject: ((text: string) => void) | undefined;
  const handler = http.get('*/api/connect/members/:guid/status/stream', async ({ request }) => {
    opened += 1;
    request.signal.addEventListener('abort', () => (cancelled += 1));
    const upstream = await backend.proxy.fetch(request);
    if (upstream.body === null) return upstream;
    const reader = upstream.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        inject = (text) => controller.enqueue(encoder.encode(text));
        void (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return controller.close();
            buffer += decoder.decode(value, { stream: true });
            for (let cut = buffer.indexOf('\n\n'); cut !== -1; cut = buffer.indexOf('\n\n')) {
              events.push(buffer.slice(0, cut));
              buffer = buffer.slice(cut + 2);
            }
            controller.enqueue(value);
            for (const wait of waiting.filter((w) => events.some((event) => w.pattern.test(event)))) wait.resolve();
          }
        })().catch(() => undefined);
      },
      cancel: () => reader.cancel(),
    });
    return new HttpResponse(body, { headers: upstream.headers });
  });
  return {
    handler,
    opened: () => opened,
    cancelled: () => cancelled,
    resend(pattern: RegExp) {
      const event = events.findLast((text) => pattern.test(text));
      const data = event?.split('\n').find((line) => line.startsWith('data: '));
      if (data === undefined || inject === undefined) throw new Error(`no event matching ${pattern} to send again`);
      inject(`event: status\nid: 0123456789abcdef\n${data}\n\n`);
    },
    until: (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (events.some((event) => pattern.test(event))) resolve();
        else waiting.push({ pattern, resolve });
      }),
  };
}

const sse = (...events: string[]) =>
  new HttpResponse(events.join(''), { headers: { 'Content-Type': 'text/event-stream' } });

describe('status stream', { timeout: 30_000 }, () => {
  it('connects on the stream alone: one request held, no status poll', async () => {
    const { seen, overrides } = counting();
    const { onSuccess } = await connect('password', { backend: { statusStream: true }, overrides });
    await connected();
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(seen.polls).toBe(0);
    expect(seen.streams).toHaveLength(1);
    expect(seen.streams[0]?.headers.get('Accept')).toBe('text/event-stream');
    expect(seen.streams[0]?.headers.get('X-Member-Connect')).toBe('1');
  });

  it('holds one stream through the MFA question and its answer: one request for the whole connect, no poll', async () => {
    const { seen, overrides } = counting();
    const { user, backend, onEvent } = await connect('challenge', { backend: { statusStream: true }, overrides });
    await user.type(await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 }), 'correct');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await connected();
    expect(seen.polls).toBe(0);
    expect(seen.streams).toHaveLength(1);
    // The question came with the streamed status, and the answer's news on the same stream.
    expect(backend.calls().filter((call) => call.path.endsWith('/challenges'))).toEqual([]);
    expect(mfaSteps(onEvent)).toBe(1);
  });

  it.each(['before', 'after'] as const)(
    'ignores a CHALLENGED that asks the answered question again, arriving %s the answer’s reply',
    async (when) => {
      const backend = createFakeBackend({ statusStream: true });
      const tap = tapStreams(backend);
      const resume = http.put('*/api/connect/members/:guid/resume', async ({ request }) => {
        const response = await backend.proxy.fetch(request);
        // The proxy read the status just before MX had the answer and sends it late (a field changed: a new id).
        if (when === 'before') tap.resend(/"connection_status":"CHALLENGED"/);
        return response;
      });
      const { user, onEvent } = await connect('challenge', { backend, overrides: [tap.handler, resume] });
      await user.type(await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 }), 'correct');
      await user.click(screen.getByRole('button', { name: 'Submit' }));
      if (when === 'after') {
        await screen.findByText('Checking your answer…', {}, { timeout: 8000 });
        tap.resend(/"connection_status":"CHALLENGED"/);
      }
      await connected();
      expect(mfaSteps(onEvent)).toBe(1);
      expect(tap.opened()).toBe(1);
    },
  );

  it('acts on what the stream brought while the MFA step was shown (it may come before the answer’s reply)', async () => {
    const backend = createFakeBackend({ statusStream: true });
    const tap = tapStreams(backend);
    // The answer's reply is held until the stream has already said CONNECTED: the seed it brings is older.
    const resume = http.put('*/api/connect/members/:guid/resume', async ({ request }) => {
      const response = await backend.proxy.fetch(request);
      await tap.until(/^(?=[\s\S]*"connection_status":"CONNECTED")(?=[\s\S]*"is_being_aggregated":false)/);
      return response;
    });
    const { user, onSuccess } = await connect('challenge', {
      backend,
      overrides: [tap.handler, resume],
      // The reply waits for the proxy's next read, 3 s on.
      timing: { requestTimeoutMs: 15_000 },
    });
    await user.type(await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 }), 'correct');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await connected();
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(tap.opened()).toBe(1);
  });

  it('shows that the time to answer ran out as soon as MX says so, while the question is on screen', async () => {
    const { seen, overrides } = counting();
    const { user, backend } = await connect('challenge', {
      backend: { statusStream: true, challengeExpiryMs: 1500 },
      overrides,
    });
    const answer = await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 });
    await user.type(answer, 'cor');
    // Nobody submits: the sandbox's question expires and its webhook reaches the held stream.
    await screen.findByRole('heading', { name: 'The time to answer ran out.' }, { timeout: 8000 });
    expect(backend.calls().filter((call) => call.path.endsWith('/resume'))).toEqual([]);
    expect(seen.polls).toBe(0);
    expect(seen.streams).toHaveLength(1);
  });

  it('ends the held stream when the flow leaves the member (closed on the MFA step)', async () => {
    const backend = createFakeBackend({ statusStream: true });
    const tap = tapStreams(backend);
    const { handle } = await connect('challenge', { backend, overrides: [tap.handler] });
    await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 });
    expect(tap.cancelled()).toBe(0);
    handle.current?.close({ force: true });
    await waitFor(() => expect(tap.cancelled()).toBe(1));
    expect(tap.opened()).toBe(1);
  });

  it('polls without asking for a stream when the proxy says it has none, with no error shown', async () => {
    const { seen, overrides } = counting();
    const { user } = await connect('challenge', { overrides });
    await user.type(await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 }), 'correct');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await connected();
    expect(seen.streams).toHaveLength(0);
    expect(seen.polls).toBeGreaterThan(0);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('polls, without asking for a stream, a proxy older than the header that says whether it has one', async () => {
    const { seen, overrides } = counting();
    const { onSuccess } = await connect('password', { backend: { statusStream: true, olderProxy: true }, overrides });
    await connected();
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(seen.streams).toHaveLength(0);
    expect(seen.polls).toBeGreaterThan(0);
  });

  it('polls for the rest of the session when a proxy that says it has the stream answers 404 on it', async () => {
    const { seen, overrides } = counting(() =>
      HttpResponse.json({ error: { message: 'Not found.' } }, { status: 404 }),
    );
    const { user } = await connect('challenge', { backend: { statusStream: true }, overrides });
    await user.type(await screen.findByLabelText('What city were you born in?', {}, { timeout: 8000 }), 'correct');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await connected();
    expect(seen.streams).toHaveLength(1);
    expect(seen.polls).toBeGreaterThan(0);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('polls when the answer is not an event stream', async () => {
    const { seen, overrides } = counting(() => HttpResponse.json({ member: {}, version: '1' }));
    await connect('password', { backend: { statusStream: true }, overrides });
    await connected();
    expect(seen.streams).toHaveLength(1);
    expect(seen.polls).toBeGreaterThan(0);
  });

  it('reopens a stream cut mid-way with the last event id', async () => {
    const { seen, overrides } = counting((request, attempt) => {
      if (attempt > 1) return undefined;
      const guid = new URL(request.url).pathname.split('/').at(-3);
      const member = { guid, connection_status: 'CREATED', is_being_aggregated: true };
      return sse(': ping\n\n', `event: status\nid: v-created\ndata: ${JSON.stringify({ member })}\n\n`);
    });
    await connect('password', { backend: { statusStream: true }, overrides });
    await connected();
    expect(seen.polls).toBe(0);
    expect(seen.streams).toHaveLength(2);
    expect(seen.streams[1]?.headers.get('Last-Event-ID')).toBe('v-created');
  });

  it('gives up on a stream that keeps failing and polls', async () => {
    const { seen, overrides } = counting(() => HttpResponse.json({ error: { message: 'down' } }, { status: 500 }));
    await connect('password', { backend: { statusStream: true }, overrides });
    await connected();
    expect(seen.streams).toHaveLength(3);
    expect(seen.polls).toBeGreaterThan(0);
  });
});
