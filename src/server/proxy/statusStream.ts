import type { Handler } from 'hono';

import type { ProxyEnv } from './middleware/proxyEnv.ts';
import { ProxyError } from './proxyError.ts';
import type { StatusSnapshot, StatusWatchers, WatchEvent } from './statusWatchers.ts';

/** A status version as the stream's `id:` and the long-poll's `version` carry it. */
export const STATUS_VERSION_PATTERN = /^[0-9a-f]{16}$/;
/** The longest a long-poll request waits for a change before answering with the same status. */
export const LONG_POLL_MAX_MS = 25_000;

export interface StatusStreamHandlerOptions {
  watchers: StatusWatchers;
  maxStreamMs: number;
  heartbeatMs: number;
}

const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  // Tells nginx (and proxies that follow its convention) not to buffer: each event must leave at once.
  'X-Accel-Buffering': 'no',
};
const JSON_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json' };
const encoder = new TextEncoder();

/**
 * `GET /members/:member_guid/status/stream`, after the route's validation and rate limit. With `Accept:
 * text/event-stream` (and no `wait`), Server-Sent Events: the current status at once (unless `Last-Event-ID` already
 * names it), one `status` event per change, a `: ping` comment every `heartbeatMs`, and the end after a final status
 * or after `maxStreamMs`; an MFA question does not end it (the widget holds one stream through its answer). Otherwise a
 * long-poll: `{ member, version }` as soon as the version differs from `wait`, or after at most 25 s. Either way the
 * first status comes from the member's shared watcher, so a member the user may not see is refused exactly like
 * `GET …/status` (MX's 404 becomes the proxy's 404).
 */
export function statusStreamHandler(options: StatusStreamHandlerOptions): Handler<ProxyEnv> {
  const { watchers, maxStreamMs, heartbeatMs } = options;
  return async (c) => {
    const state = c.get('proxyState');
    const memberGuid = c.req.param('member_guid') ?? '';
    const wait = c.req.query('wait');
    const sse = wait === undefined && acceptsEventStream(c.req.header('accept'));
    const lastEventId = c.req.header('last-event-id');
    const known = sse
      ? lastEventId !== undefined && STATUS_VERSION_PATTERN.test(lastEventId)
        ? lastEventId
        : undefined
      : wait;
    const signal = c.req.raw.signal;

    // Events that arrive before the response is set up are kept, so none is lost between the first read and the start.
    let deliver: ((event: WatchEvent) => void) | undefined;
    const early: WatchEvent[] = [];
    let subscription;
    try {
      subscription = await watchers.subscribe(state.userGuid ?? '', memberGuid, state.upstreamPath, (event) =>
        deliver === undefined ? early.push(event) : deliver(event),
      );
    } catch (error) {
      if (error instanceof ProxyError && error.upstreamStatus !== undefined)
        state.upstreamStatus = error.upstreamStatus;
      throw error;
    }
    state.upstreamStatus = 200;
    const { current, close } = subscription;

    if (!sse) {
      if (known === undefined || current.version !== known || signal.aborted) {
        close();
        return longPollAnswer(c, current);
      }
      // Held for up to 25 s waiting for a change: bounded by the watcher caps, not by load shedding, which is for work.
      state.leaveInFlight();
      const answer = await new Promise<StatusSnapshot>((resolve) => {
        let latest = current;
        const finish = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', finish);
          close();
          resolve(latest);
        };
        const timer = setTimeout(finish, Math.min(LONG_POLL_MAX_MS, maxStreamMs));
        signal.addEventListener('abort', finish);
        deliver = (event) => {
          if (event.kind === 'status') latest = event.snapshot;
          // A member gone meanwhile: the next request gets the refusal; this one answers what it knew.
          finish();
        };
        for (const event of early.splice(0)) deliver(event);
      });
      return longPollAnswer(c, answer);
    }

    let stop: () => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          clearTimeout(deadline);
          signal.removeEventListener('abort', end);
          close();
          try {
            controller.close();
          } catch {
            // Already cancelled by the reader.
          }
        };
        stop = end;
        const write = (text: string) => {
          if (ended) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            end();
          }
        };
        const send = (snapshot: StatusSnapshot) => {
          write(`event: status\nid: ${snapshot.version}\ndata: ${snapshot.json}\n\n`);
          if (snapshot.final) end();
        };
        const heartbeat = setInterval(() => write(': ping\n\n'), heartbeatMs);
        const deadline = setTimeout(end, maxStreamMs);
        signal.addEventListener('abort', end);
        // With `Last-Event-ID` naming the current status, even a final one, the client waits for what comes after it
        // (an MFA answer sent since, for instance): nothing is sent until it changes, or until `maxStreamMs`.
        if (current.version !== known) send(current);
        deliver = (event) => (event.kind === 'status' ? send(event.snapshot) : end());
        for (const event of early.splice(0)) deliver(event);
        if (signal.aborted) end();
      },
      cancel() {
        stop();
      },
    });
    return c.body(body, 200, SSE_HEADERS);
  };
}

function longPollAnswer(c: Parameters<Handler<ProxyEnv>>[0], snapshot: StatusSnapshot): Response {
  // `json` is `{"member":{…}}`: the version goes in as one more field, without parsing it again.
  return c.body(`${snapshot.json.slice(0, -1)},"version":"${snapshot.version}"}`, 200, JSON_HEADERS);
}

/** `Accept` names `text/event-stream` (with any parameters, in any position). */
function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((item) => item.split(';')[0]?.trim().toLowerCase() === 'text/event-stream');
}
