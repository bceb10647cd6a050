import { connectionOutcome } from '../../mx/connectionOutcome.ts';
import type { UpstreamHeaders, UpstreamTransport } from './callUpstream.ts';
import { upstreamError } from './middleware/mapErrors.ts';
import { GENERIC_MESSAGES, ProxyError } from './proxyError.ts';
import type { ShapeFilter } from './responseShape.ts';
import { sha256Hex } from './sha256.ts';
import type { StatusBus } from './statusBus.ts';
import { statusTopic } from './statusBus.ts';

/** One status as the browser gets it: the allow-listed `{ member }` body, its version, and whether waiting is over. */
export interface StatusSnapshot {
  /** `{"member":{…}}`, exactly what `GET /members/:guid/status` answers. */
  readonly json: string;
  /** 16 hex characters of SHA-256 of `json`: the same status has the same version on every instance. */
  readonly version: string;
  /** Nobody waits past this status, whatever the member: the stream ends after it. */
  readonly final: boolean;
  /** MX waits on the person's MFA answer, which reaches MX through this proxy: the watcher polls slowly meanwhile. */
  readonly needsAnswer: boolean;
}

export type WatchEvent = { kind: 'status'; snapshot: StatusSnapshot } | { kind: 'gone'; error: ProxyError };

export interface StatusSubscription {
  /** The latest status when the subscription started. */
  readonly current: StatusSnapshot;
  /** Stops this subscription; the last one stops the member's polling. Safe to call twice. */
  close(): void;
}

export interface StatusWatchersOptions {
  baseUrl: string;
  headers: UpstreamHeaders;
  transport: UpstreamTransport;
  timeoutMs: number;
  /** The status route's response allow-list, compiled. */
  filter: ShapeFilter;
  bus: StatusBus;
  pollIntervalMs: number;
  /** Webhooks are configured: while the bus is connected, polling is only a safety net. */
  webhooks: boolean;
  maxWatchers: number;
  maxStreamsPerMember: number;
}

/** With webhooks, polling only catches a delivery that went missing: this many poll intervals apart. */
export const WEBHOOK_SAFETY_POLL_FACTOR = 10;
/**
 * While MX waits on the person's MFA answer, the status changes only when the answer comes through this proxy (which
 * wakes the watcher) or when the challenge expires: one read this often notices the expiry.
 */
export const ANSWER_WAIT_POLL_MS = 30_000;

interface Watcher {
  readonly key: string;
  readonly path: string;
  readonly listeners: Set<(event: WatchEvent) => void>;
  current: StatusSnapshot | undefined;
  /** The read in flight; `again` asks for one more after it (a notice arrived during it). */
  reading: Promise<StatusSnapshot> | undefined;
  /** Aborts the read in flight when the last subscriber leaves, so MX's connection closes now, not at the deadline. */
  stopReading: AbortController | undefined;
  again: boolean;
  /** Subscribers waiting for their first status (not yet listeners). */
  joining: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  stopNotices: (() => void) | undefined;
  /** A notice arrived since the last read began (a webhook, or the person's answer forwarded by an instance). */
  noticed: boolean;
  /** The status waits on the person's answer, and that is settled: polling slows to `ANSWER_WAIT_POLL_MS`. */
  awaitsAnswer: boolean;
}

/**
 * One watcher per (user, member) on this instance, shared by every stream and long-poll watching it: one upstream read
 * at a time, one polling loop, started by the first subscriber and stopped with the last. A notice on the bus (a
 * webhook, on this instance or another) makes it read at once. At most `maxWatchers` entries; one nobody listens to
 * any more is forgotten at once, so a new subscriber always starts from a fresh read.
 */
export function createStatusWatchers(options: StatusWatchersOptions) {
  const { baseUrl, headers, transport, timeoutMs, filter, bus, pollIntervalMs, webhooks } = options;
  const watchers = new Map<string, Watcher>();

  async function readStatus(path: string, signal: AbortSignal): Promise<StatusSnapshot> {
    const response = await transport({
      url: `${baseUrl}${path}`,
      method: 'GET',
      headers: headers.withoutBody,
      body: undefined,
      timeoutMs,
      signal,
    });
    if (response.status < 200 || response.status >= 300) throw upstreamError(response);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch {
      throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', {
        upstreamStatus: response.status,
      });
    }
    const shaped = (filter(parsed) ?? {}) as { member?: Record<string, unknown> };
    if (shaped.member === undefined) {
      throw new ProxyError(502, GENERIC_MESSAGES.unreachable, 'upstream_malformed', {
        upstreamStatus: response.status,
      });
    }
    const json = JSON.stringify(shaped);
    return { json, version: (await sha256Hex(json)).slice(0, 16), ...statusWait(shaped.member) };
  }

  const pace = (watcher: Watcher) => {
    const base = webhooks && bus.isConnected() ? pollIntervalMs * WEBHOOK_SAFETY_POLL_FACTOR : pollIntervalMs;
    return watcher.awaitsAnswer ? Math.max(base, ANSWER_WAIT_POLL_MS) : base;
  };

  function schedule(watcher: Watcher): void {
    clearTimeout(watcher.timer);
    watcher.timer = undefined;
    if (watcher.listeners.size === 0 || watchers.get(watcher.key) !== watcher) return;
    watcher.timer = unref(setTimeout(() => void refresh(watcher).catch(() => undefined), pace(watcher)));
  }

  function emit(watcher: Watcher, event: WatchEvent): void {
    for (const listener of [...watcher.listeners]) listener(event);
  }

  /** Reads the status now (or joins the read in flight, asking for one more after it) and tells listeners of a change. */
  function refresh(watcher: Watcher): Promise<StatusSnapshot> {
    if (watcher.reading !== undefined) {
      watcher.again = true;
      return watcher.reading;
    }
    const stop = new AbortController();
    watcher.stopReading = stop;
    const run = async (): Promise<StatusSnapshot> => {
      try {
        for (;;) {
          watcher.again = false;
          const noticed = watcher.noticed;
          watcher.noticed = false;
          const snapshot = await readStatus(watcher.path, stop.signal);
          const previous = watcher.current;
          const changed = previous?.version !== snapshot.version;
          watcher.current = snapshot;
          // Settled when it came as a change from a status seen here, or was read twice with no notice between: a
          // first read (new entry), or one just after the answer was forwarded, may still be MX's status from before
          // the answer, so it is read once more at the usual pace.
          watcher.awaitsAnswer = snapshot.needsAnswer && (changed ? previous !== undefined : !noticed);
          if (changed) emit(watcher, { kind: 'status', snapshot });
          if (!watcher.again) return snapshot;
        }
      } catch (error) {
        const failure =
          error instanceof ProxyError ? error : new ProxyError(500, GENERIC_MESSAGES.internal, 'internal_error');
        // MX saying no (the member is gone, or not this user's) ends the watch; a network error or 5xx is retried
        // at the next poll.
        if (failure.status >= 400 && failure.status < 500 && failure.status !== 429) {
          emit(watcher, { kind: 'gone', error: failure });
          // Its last status must not be served again from this entry: the next request asks MX.
          watcher.current = undefined;
          forget(watcher);
        }
        throw failure;
      } finally {
        watcher.reading = undefined;
        watcher.stopReading = undefined;
        schedule(watcher);
      }
    };
    watcher.reading = run();
    return watcher.reading;
  }

  function forget(watcher: Watcher): void {
    clearTimeout(watcher.timer);
    watcher.stopReading?.abort();
    watcher.stopNotices?.();
    if (watchers.get(watcher.key) === watcher) watchers.delete(watcher.key);
  }

  /** Room for one more entry, or a refusal (entries nobody listens to are forgotten at once, so all are in use). */
  function makeRoom(): void {
    if (watchers.size < options.maxWatchers) return;
    throw new ProxyError(503, GENERIC_MESSAGES.unavailable, 'too_many_streams', { headers: { 'Retry-After': '5' } });
  }

  async function subscribe(
    userGuid: string,
    memberGuid: string,
    path: string,
    listener: (event: WatchEvent) => void,
  ): Promise<StatusSubscription> {
    const key = `${userGuid}\n${memberGuid}`;
    let watcher = watchers.get(key);
    if (watcher === undefined) {
      const topic = await statusTopic(userGuid, memberGuid);
      // From here to the end of the block nothing awaits, so no other request can create the same entry meanwhile.
      watcher = watchers.get(key);
      if (watcher === undefined) {
        makeRoom();
        const created: Watcher = {
          key,
          path,
          listeners: new Set(),
          current: undefined,
          reading: undefined,
          stopReading: undefined,
          again: false,
          joining: 0,
          timer: undefined,
          stopNotices: undefined,
          noticed: false,
          awaitsAnswer: false,
        };
        created.stopNotices = bus.subscribe(topic, () => {
          created.noticed = true;
          void refresh(created).catch(() => undefined);
        });
        watchers.set(key, created);
        watcher = created;
      }
    }
    const own = watcher;
    if (own.listeners.size + own.joining >= options.maxStreamsPerMember) {
      throw new ProxyError(429, 'Too many requests. Please wait and try again.', 'too_many_streams', {
        headers: { 'Retry-After': '5' },
      });
    }
    own.joining += 1;
    let current: StatusSnapshot;
    try {
      if (own.reading !== undefined) current = await own.reading;
      // Someone is listening, so the status is kept current by polls and notices; otherwise it may be old (the
      // person's own resume happened since): read it again.
      else if (own.current !== undefined && own.listeners.size > 0) current = own.current;
      else current = await refresh(own);
    } catch (error) {
      own.joining -= 1;
      // A member this user may not see is not kept: the next request asks MX again.
      if (own.listeners.size === 0 && own.joining === 0) forget(own);
      throw error;
    }
    own.joining -= 1;
    // Added only now, with no await since the read: the listener hears every change after `current`.
    own.listeners.add(listener);
    if (own.timer === undefined && own.reading === undefined) schedule(own);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      own.listeners.delete(listener);
      if (own.listeners.size === 0 && own.joining === 0) forget(own);
    };
    return { current, close };
  }

  return { subscribe };
}

export type StatusWatchers = ReturnType<typeof createStatusWatchers>;

/**
 * What waiting on this status means, whatever the member. `needsAnswer`: MX waits on the person's MFA answer
 * (CHALLENGED, or REJECTED with a new question, as the widget's reducer reads it). `final`: nobody waits any more, where
 * the widget's `isPollingDone` would stop for an OAuth member too (an OAuth wait goes on through PENDING and DENIED), and
 * an MFA question is not the end: the widget holds its stream through the answer.
 */
export function statusWait(member: Record<string, unknown>): { final: boolean; needsAnswer: boolean } {
  const outcome = connectionOutcome({
    connection_status: typeof member.connection_status === 'string' ? member.connection_status : null,
    is_being_aggregated: member.is_being_aggregated === true,
  });
  const needsAnswer =
    outcome === 'challenged' ||
    (outcome === 'rejected' && Array.isArray(member.challenges) && member.challenges.length > 0);
  return {
    needsAnswer,
    final: !needsAnswer && outcome !== 'pending' && outcome !== 'oauth' && outcome !== 'credentialsNeeded',
  };
}

function unref<T>(handle: T): T {
  // Node: a pending poll must not keep a process alive that is otherwise done.
  (handle as { unref?: () => void }).unref?.();
  return handle;
}
