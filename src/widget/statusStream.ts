import type { QueryClient } from '@tanstack/react-query';
import * as v from 'valibot';

import type { ApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import { memberKeys } from '../api/queries';
import { type MemberStatus, MemberStatusBodySchema } from '../api/schemas';

/**
 * Widgets whose proxy said it has the stream but then had none (404, 405, not an event stream): they poll for the rest
 * of the session.
 */
const withoutStream = new WeakSet<ApiClient>();

/** Only a proxy that said so on its answers is asked for the stream: finding out by asking would cost a request. */
export const canStream = (client: ApiClient): boolean => client.hasStatusStream() && !withoutStream.has(client);

/**
 * The last version each member's stream sent this widget, kept across steps. A new step's stream sends it as
 * `Last-Event-ID`, so the proxy does not replay what the widget already acted on: the CHALLENGED that opened the MFA
 * step must not reopen it after the answer, however recently the proxy read it.
 */
const lastVersions = new WeakMap<ApiClient, Map<string, string>>();

/** Connections in a row that end without a single event before the widget gives up and polls. */
const MAX_FAILURES = 3;

export interface FollowStatusOptions {
  client: ApiClient;
  queryClient: QueryClient;
  memberGuid: string;
  /** The widget's own rule: after such an answer the stream is closed (the step moves on). */
  isDone: (status: MemberStatus) => boolean;
  /** Wait before reconnecting after `failures` failed (or quiet) connections in a row; 0 after a normal end. */
  retryDelayMs: (failures: number) => number;
  /** The widget must poll instead: no stream here, or it keeps failing. */
  onFallback: () => void;
  signal: AbortSignal;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Follows `GET …/members/:guid/status/stream` (docs/proxy.md, "Status stream") and writes each status into the status
 * query, the same place a poll's answer goes, so every reader of it keeps working. `fetch`, not EventSource: the
 * session token goes in a header, and the API client refreshes it on a 401. A dropped stream is reopened with
 * `Last-Event-ID`; a proxy without the stream, or one that keeps failing, hands over to polling.
 */
export async function followStatusStream(options: FollowStatusOptions): Promise<void> {
  const { client, queryClient, memberGuid, isDone, signal } = options;
  const versions = lastVersions.get(client) ?? new Map<string, string>();
  lastVersions.set(client, versions);
  let failures = 0;
  // Streams that ended at once on the version the widget already has: not a failure (see below), but paced like one.
  let quiet = 0;
  const fallBack = (forSession: boolean) => {
    if (forSession) withoutStream.add(client);
    options.onFallback();
  };
  while (!signal.aborted) {
    try {
      const known = versions.get(memberGuid);
      const response = await client.openStatusStream(memberGuid, signal, known);
      if (response.body === null || !/^text\/event-stream/i.test(response.headers.get('Content-Type') ?? '')) {
        void response.body?.cancel();
        return fallBack(true);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let isHeard = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n?/g, '\n');
        for (let cut = buffer.indexOf('\n\n'); cut !== -1; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          let id: string | undefined;
          let data = '';
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon === 0) continue; // `: ping`
            const field = colon === -1 ? line : line.slice(0, colon);
            const text = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = text;
            else if (field === 'id') id = text;
            else if (field === 'data') data += (data === '' ? '' : '\n') + text;
          }
          if (event !== 'status') continue;
          const parsed = v.safeParse(MemberStatusBodySchema, JSON.parse(data));
          if (!parsed.success) throw new Error('Unexpected status event.');
          isHeard = true;
          failures = 0;
          quiet = 0;
          if (id !== undefined) versions.set(memberGuid, id);
          queryClient.setQueryData(memberKeys.status(memberGuid), parsed.output.member);
          if (isDone(parsed.output.member)) {
            void reader.cancel();
            return;
          }
        }
      }
      // Ended by the server (its time limit) or cut on the way: reconnect. A stream that said nothing is a failure,
      // unless it was asked for news after a version the proxy still holds as final (it may have read it moments
      // before a resume): then it ends at once, and asking again after a poll's delay gets the news.
      if (!isHeard) {
        if (known === undefined) failures += 1;
        else quiet += 1;
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return fallBack(true);
      failures += 1;
    }
    if (failures >= MAX_FAILURES) return fallBack(false);
    await sleep(options.retryDelayMs(Math.max(failures, quiet)), signal);
  }
}
