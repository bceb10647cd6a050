import type { QueryClient } from '@tanstack/react-query';
import * as v from 'valibot';

import type { ApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import { memberKeys } from '../api/queries';
import { type MemberStatus, MemberStatusBodySchema } from '../api/schemas';
import { connectionOutcome } from '../mx/connectionOutcome';
import { isPollingDone } from './connectionOutcomes';

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

interface FollowStatusOptions {
  client: ApiClient;
  memberGuid: string;
  /** Each status as it comes; `true` when the wait is over: the stream is then closed. */
  onStatus: (status: MemberStatus) => boolean;
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
 * Follows `GET …/members/:guid/status/stream` (docs/proxy.md, "Status stream") and hands each status to `onStatus`.
 * `fetch`, not EventSource: the session token goes in a header, and the API client refreshes it on a 401. A dropped
 * stream is reopened with `Last-Event-ID`; a proxy without the stream, or one that keeps failing, hands over to polling.
 */
async function followStatusStream(options: FollowStatusOptions): Promise<void> {
  const { client, memberGuid, onStatus, signal } = options;
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
          if (onStatus(parsed.output.member)) {
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

/**
 * The stream a flow holds for the member it waits on, across its steps (docs/widget.md, "Status stream"): opened by the
 * first step that reads the member's status, kept through the MFA step and the answer, over when a status ends the wait
 * (MFA does not) or when the flow leaves the member (`ConnectFlow` stops it). Each status goes into the status query,
 * the same place a poll's answer goes, so the steps read it without knowing where it came from.
 */
export interface HeldStatusStream {
  readonly memberGuid: string;
  /** The reading step's rule for when the wait is over: an OAuth window may still turn PENDING or DENIED around. */
  isOAuth: boolean;
  /** `ended`: a status ended the wait; `polling`: the proxy has no stream or it kept failing, so the steps poll. */
  phase: 'open' | 'ended' | 'polling';
  /** Steps reading it now, each told when polling takes over. */
  readonly readers: Set<() => void>;
  /** A status that came while no step read it (during the MFA step, say): the next reader acts on it. */
  unread: MemberStatus | undefined;
  /** Told of each such status as it comes: the MFA step hands over at once when the question is no longer asked. */
  onUnread: ((status: MemberStatus) => void) | undefined;
  /** Challenges the person has answered: a status that asks only those again is older than the answer. */
  readonly answered: Set<string>;
  /** Ends it and empties the slot. */
  stop(): void;
}

/** Where a flow keeps its held stream: at most one, for the member it waits on. */
export interface HeldStatusSlot {
  current: HeldStatusStream | undefined;
}

export interface ReadHeldStatusOptions {
  client: ApiClient;
  queryClient: QueryClient;
  memberGuid: string;
  isOAuth: boolean;
  retryDelayMs: (failures: number) => number;
  /** This step must poll: no stream here, or it kept failing. */
  onFallback: () => void;
}

/** MX waits on the person's answer: CHALLENGED, or REJECTED with a new question (as the reducer reads it). */
function asksPerson(status: MemberStatus): boolean {
  const outcome = connectionOutcome(status);
  return outcome === 'challenged' || (outcome === 'rejected' && (status.challenges?.length ?? 0) > 0);
}

/** Asks again only challenges the person has answered: a status read before the answer reached MX. */
function isAnswered(status: MemberStatus, answered: ReadonlySet<string>): boolean {
  const asked = status.challenges ?? [];
  return asksPerson(status) && asked.length > 0 && asked.every((challenge) => answered.has(challenge.guid));
}

function openHeld(slot: HeldStatusSlot, options: ReadHeldStatusOptions): HeldStatusStream {
  const { client, queryClient, memberGuid } = options;
  const controller = new AbortController();
  const held: HeldStatusStream = {
    memberGuid,
    isOAuth: options.isOAuth,
    phase: 'open',
    readers: new Set(),
    unread: undefined,
    onUnread: undefined,
    answered: new Set(),
    stop: () => {
      controller.abort();
      if (slot.current === held) slot.current = undefined;
    },
  };
  void followStatusStream({
    client,
    memberGuid,
    onStatus: (status) => {
      if (isAnswered(status, held.answered)) return false;
      queryClient.setQueryData(memberKeys.status(memberGuid), status);
      if (held.readers.size === 0) {
        held.unread = status;
        held.onUnread?.(status);
      }
      // An MFA question is not the end: the same stream brings what follows the answer.
      return isPollingDone(status, held.isOAuth) && !asksPerson(status);
    },
    retryDelayMs: options.retryDelayMs,
    onFallback: () => {
      held.phase = 'polling';
      for (const fallBack of [...held.readers]) fallBack();
    },
    signal: controller.signal,
  }).then(() => {
    if (held.phase === 'open') held.phase = 'ended';
  });
  return held;
}

/**
 * A step reads the member's status from the flow's held stream, opening it when the flow holds none for this member (or
 * only one that ended with nothing left unread). Returns the step's release: the stream stays held for the next step.
 */
export function readHeldStatus(slot: HeldStatusSlot, options: ReadHeldStatusOptions): () => void {
  const { queryClient, memberGuid, onFallback } = options;
  let held = slot.current;
  if (held === undefined || held.memberGuid !== memberGuid || (held.phase === 'ended' && held.unread === undefined)) {
    held?.stop();
    held = openHeld(slot, options);
    slot.current = held;
  }
  held.isOAuth = options.isOAuth;
  if (held.phase === 'polling') {
    onFallback();
    return () => undefined;
  }
  held.readers.add(onFallback);
  const unread = held.unread;
  held.unread = undefined;
  // Written again now that a step reads it, so that step acts on it (it ignores what the query held before it
  // appeared). It came after the answer was sent, unless it asks an answered question again (the seed from the
  // answer's own reply is then the newer one).
  if (unread !== undefined && !isAnswered(unread, held.answered)) {
    queryClient.setQueryData(memberKeys.status(memberGuid), { ...unread });
  }
  const own = held;
  return () => own.readers.delete(onFallback);
}

/**
 * While the person reads a question: `onChange` is called when the held stream brings a status that asks nothing of
 * the person any more (the time ran out, the bank ended the login). Returns the release.
 */
export function watchWhileAnswering(slot: HeldStatusSlot, memberGuid: string, onChange: () => void): () => void {
  const held = slot.current;
  if (held?.memberGuid !== memberGuid) return () => undefined;
  // A status that still asks the person (the same question read again with another field changed) is no news: handing
  // over would redraw the step and lose what the person typed.
  const onUnread = (status: MemberStatus) => {
    if (!asksPerson(status)) onChange();
  };
  held.onUnread = onUnread;
  return () => {
    if (held.onUnread === onUnread) held.onUnread = undefined;
  };
}

/** The person answers these challenges: the held stream ignores a status that still asks only them. */
export function markAnswered(slot: HeldStatusSlot, memberGuid: string, challengeGuids: readonly string[]): void {
  if (slot.current?.memberGuid !== memberGuid) return;
  for (const guid of challengeGuids) slot.current.answered.add(guid);
}
