// MX-format webhooks (docs.mx.com/resources/webhooks): when a partner gives a URL, the sandbox POSTs JSON as members
// change: MEMBER (created, updated, deleted, and every change of connection_status or is_being_aggregated),
// CONNECTION_STATUS (entering one of the eight statuses the person must act on), and AGGREGATION / VERIFICATION once a
// job has ended CONNECTED. Like MX it echoes the X-CALLBACK-PAYLOAD of the request that started the job, retries
// failed deliveries, and authenticates with HTTP Basic when the partner gives a user name and password (MX's first
// listed option; mutual TLS and OAuth client credentials are not emulated). Web-standard fetch and timers only.
import { isVerifiable, memberAccounts } from './accounts.ts';
import type { JobKind, MemberRecord, Timing } from './memberState.ts';
import { nextPhaseEnd, settle } from './memberState.ts';
import type { ConnectionStatus } from './scenarios.ts';
import { CONNECTION_STATUSES, statusMessage } from './scenarios.ts';
import type { SandboxStore } from './store.ts';
import { memberTransactions } from './transactions.ts';

export interface WebhookOptions {
  /** Where to POST (http or https). */
  url: string;
  /** HTTP Basic credentials MX would use for your endpoint. */
  username?: string;
  password?: string;
  /** Delays before each retry of a failed delivery (network error, 429 or 5xx). Defaults to 1 s and 5 s. */
  retryDelaysMs?: readonly number[];
}

/** The statuses MX's connection-status webhook fires for (WH): the person has to do something. */
export const ACTIONABLE_STATUSES: ReadonlySet<ConnectionStatus> = new Set([
  'CHALLENGED',
  'DENIED',
  'EXPIRED',
  'IMPAIRED',
  'IMPEDED',
  'LOCKED',
  'PREVENTED',
  'REJECTED',
]);

/** Deliveries waiting per member, past which the oldest waiting one is dropped (a receiver that is down for hours). */
const MAX_QUEUED_PER_MEMBER = 50;

const unix = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

interface Snapshot {
  readonly status: ConnectionStatus;
  readonly aggregating: boolean;
  readonly jobKind: JobKind | undefined;
  readonly hadTransactions: boolean;
}

interface Queue {
  pending: number;
  tail: Promise<void>;
}

export interface WebhookSender {
  created(member: MemberRecord, userId: string | null): void;
  updated(member: MemberRecord, userId: string | null): void;
  deleted(member: MemberRecord, userId: string | null): void;
  /** Compares the member with what was last reported and sends what changed. Cheap when nothing did. */
  changed(member: MemberRecord, userId: string | null): void;
}

/** Checks the option at creation, so a typo fails at startup rather than on the first member. */
export function checkWebhookOptions(options: WebhookOptions): void {
  const { protocol } = new URL(options.url);
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new TypeError('createSandbox: webhookUrl must use http or https.');
  const delays = options.retryDelaysMs ?? [];
  if (delays.length > 10 || delays.some((delay) => !Number.isFinite(delay) || delay < 0 || delay > 60 * 60 * 1000)) {
    throw new RangeError('createSandbox: webhookRetryDelaysMs takes at most 10 delays of 0 to 3,600,000 ms.');
  }
}

export function createWebhookSender(options: WebhookOptions, now: () => number): WebhookSender {
  const retryDelays = options.retryDelaysMs ?? [1000, 5000];
  const authorization =
    options.username !== undefined ? `Basic ${btoa(`${options.username}:${options.password ?? ''}`)}` : undefined;
  // Keyed by the member object, so nothing outlives its member: no map to bound.
  const reported = new WeakMap<MemberRecord, Snapshot>();
  const queues = new WeakMap<MemberRecord, Queue>();

  const snapshot = (member: MemberRecord): Snapshot => ({
    status: member.status,
    aggregating: member.job !== null,
    jobKind: member.job?.kind ?? reported.get(member)?.jobKind,
    hadTransactions: member.successfullyAggregatedAt !== null,
  });

  async function deliver(body: string, callbackPayload: string | null): Promise<void> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/json',
    };
    if (authorization) headers.Authorization = authorization;
    if (callbackPayload !== null) headers['X-CALLBACK-PAYLOAD'] = callbackPayload;
    for (let attempt = 0; ; attempt += 1) {
      let retry: boolean;
      try {
        const response = await fetch(options.url, { method: 'POST', headers, body });
        // Not awaited: the status is the answer, and this member's later webhooks must not wait on the receiver's
        // body. Under MSW in Node, cancelling a mocked body never settles (mswjs/interceptors#799), which held every
        // webhook after CREATED in the fake backend.
        response.body?.cancel().catch(() => undefined);
        retry = response.status === 429 || response.status >= 500;
      } catch {
        retry = true;
      }
      const delay = retryDelays[attempt];
      if (!retry || delay === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Deliveries for one member go out in order, one at a time. */
  function send(member: MemberRecord, payload: Record<string, unknown>): void {
    const queue = queues.get(member) ?? { pending: 0, tail: Promise.resolve() };
    queues.set(member, queue);
    if (queue.pending >= MAX_QUEUED_PER_MEMBER) return;
    queue.pending += 1;
    const body = JSON.stringify(payload);
    const callback = member.callbackPayload;
    queue.tail = queue.tail
      .then(() => deliver(body, callback))
      .finally(() => {
        queue.pending -= 1;
      });
  }

  const memberPayload = (member: MemberRecord, userId: string | null, action: 'CREATED' | 'UPDATED' | 'DELETED') => ({
    action,
    aggregated_at: unix(member.aggregatedAt),
    connection_status: member.status,
    connection_status_id: CONNECTION_STATUSES.indexOf(member.status),
    connection_status_message: statusMessage(member.status, member.institution.name),
    created_at: unix(member.createdAt),
    guid: member.guid,
    id: member.id,
    institution_code: member.institution.code,
    institution_guid: member.institution.guid,
    is_being_aggregated: member.job !== null,
    is_oauth: member.isOauth,
    metadata: member.metadata,
    name: member.institution.name,
    successfully_aggregated_at: unix(member.successfullyAggregatedAt),
    type: 'MEMBER',
    user_guid: member.userGuid,
    user_id: userId,
  });

  return {
    created(member, userId) {
      reported.set(member, snapshot(member));
      send(member, memberPayload(member, userId, 'CREATED'));
    },
    updated(member, userId) {
      reported.set(member, snapshot(member));
      send(member, memberPayload(member, userId, 'UPDATED'));
    },
    deleted(member, userId) {
      send(member, memberPayload(member, userId, 'DELETED'));
    },
    changed(member, userId) {
      const before = reported.get(member);
      const after = snapshot(member);
      if (before && before.status === after.status && before.aggregating === after.aggregating) return;
      reported.set(member, after);
      send(member, memberPayload(member, userId, 'UPDATED'));
      if (after.status !== before?.status && ACTIONABLE_STATUSES.has(after.status)) {
        send(member, {
          action: 'CHANGED',
          connection_status: after.status,
          connection_status_id: CONNECTION_STATUSES.indexOf(after.status),
          connection_status_message: statusMessage(after.status, member.institution.name),
          member_guid: member.guid,
          type: 'CONNECTION_STATUS',
          user_guid: member.userGuid,
        });
      }
      if (before?.aggregating && !after.aggregating && after.status === 'CONNECTED') {
        const completedAt = member.successfullyAggregatedAt ?? now();
        const common = {
          action: 'member_data_updated',
          completed_at: unix(completedAt),
          completed_on: new Date(completedAt).toISOString().slice(0, 10),
          job_guid: member.mostRecentJobGuid,
          member_guid: member.guid,
          user_guid: member.userGuid,
          user_id: userId,
        };
        if (before.jobKind === 'verification') {
          const accounts = memberAccounts(member)
            .filter(isVerifiable)
            .map((account) => account.guid);
          send(member, { ...common, type: 'VERIFICATION', accounts });
        } else {
          // The history arrives with the first successful aggregation; later ones find nothing new (seeded data).
          const created = before.hadTransactions ? 0 : memberTransactions(member, userId).length;
          send(member, {
            ...common,
            type: 'AGGREGATION',
            is_background: false,
            transactions_created_count: created,
            transactions_updated_count: 0,
          });
        }
      }
    },
  };
}

/**
 * What the routes tell about members. Without a webhook URL every call is a no-op (the sandbox stays timer-free);
 * with one, a member with a running job also gets one timer for the end of its current phase, so a webhook goes out
 * when the state changes rather than when someone next polls.
 */
export interface MemberEvents {
  created(member: MemberRecord): void;
  updated(member: MemberRecord): void;
  deleted(member: MemberRecord): void;
  /** After a request may have changed the member (settled, a job started, an answer given). */
  observe(member: MemberRecord): void;
}

export const NO_EVENTS: MemberEvents = { created() {}, updated() {}, deleted() {}, observe() {} };

export function createMemberEvents(
  sender: WebhookSender,
  deps: { store: SandboxStore; now: () => number; timing: Timing },
): MemberEvents {
  const { store, now, timing } = deps;
  const userId = (member: MemberRecord): string | null => store.peekUser(member.userGuid)?.id ?? null;
  // One pending wake-up per member, keyed by the member object (gone with it).
  const wakeups = new WeakMap<MemberRecord, { at: number; handle: ReturnType<typeof setTimeout> }>();

  const schedule = (member: MemberRecord): void => {
    const at = nextPhaseEnd(member, timing);
    const existing = wakeups.get(member);
    if (existing?.at === at) return;
    if (existing) clearTimeout(existing.handle);
    wakeups.delete(member);
    if (at === null) return;
    // An injected clock that does not move would make the delay 0 forever: wait a phase instead of spinning.
    const delay = at > now() ? at - now() : Math.max(timing.aggregationMs, 100);
    const handle = setTimeout(() => {
      wakeups.delete(member);
      if (store.member(member.guid) !== member) return; // deleted meanwhile
      settle(member, now(), timing, () => observe(member));
      observe(member);
    }, delay);
    // Node: a pending wake-up must not keep a process alive that is otherwise done.
    (handle as { unref?: () => void }).unref?.();
    wakeups.set(member, { at, handle });
  };

  const observe = (member: MemberRecord): void => {
    sender.changed(member, userId(member));
    schedule(member);
  };

  return {
    created(member) {
      sender.created(member, userId(member));
      schedule(member);
    },
    updated(member) {
      sender.updated(member, userId(member));
      schedule(member);
    },
    deleted(member) {
      const pending = wakeups.get(member);
      if (pending) clearTimeout(pending.handle);
      wakeups.delete(member);
      sender.deleted(member, userId(member));
    },
    observe,
  };
}
