// The sandbox's one store: users, members and the short-lived OAuth links, each map with a stated bound. Members are
// indexed by user, so creating or listing never scans every member, and users by their partner `id`.
import { HTTPException } from 'hono/http-exception';

import type { MemberRecord } from './memberState.ts';

export interface UserRecord {
  readonly guid: string;
  id: string | null;
  email: string | null;
  isDisabled: boolean;
  metadata: string | null;
}

export interface OauthLink {
  readonly memberGuid: string;
  readonly issuedAt: number;
  readonly skipAggregation: boolean;
}

export interface ConsentSession {
  readonly memberGuid: string;
  readonly skipAggregation: boolean;
}

/** How much the sandbox keeps in memory. Every map it holds is bounded by one of these. */
export interface SandboxLimits {
  /**
   * Users kept. Creating one more evicts the least recently used user with its members (a long-running demo makes a
   * user per visitor; the one evicted is the one nobody has touched for longest). Defaults to 20,000.
   */
  maxUsers?: number;
  /** Members per user; one more is refused with 405, as Atrium documents for its 25-member limit. Defaults to 100. */
  maxMembersPerUser?: number;
  /** Members across all users; past it the least recently used users are evicted. Defaults to 100,000. */
  maxMembers?: number;
  /** Unused OAuth window links (valid 10 minutes); past it the oldest is dropped. Defaults to 10,000. */
  maxOauthLinks?: number;
  /** Open consent pages awaiting a decision; past it the oldest is dropped. Defaults to 10,000. */
  maxConsentSessions?: number;
  /**
   * Request body size, in bytes, on every route (the API and the consent page's form); a larger body is a 413 before
   * it is read further. Defaults to 8 KiB: MX's request bodies are a few hundred bytes.
   */
  maxBodyBytes?: number;
}

const DEFAULT_LIMITS: Required<SandboxLimits> = {
  maxUsers: 20_000,
  maxMembersPerUser: 100,
  maxMembers: 100_000,
  maxOauthLinks: 10_000,
  maxConsentSessions: 10_000,
  maxBodyBytes: 8 * 1024,
};

/** Checks the limits a partner passes: positive integers only, so a typo cannot make an unbounded or empty store. */
function resolveLimits(limits: SandboxLimits = {}): Required<SandboxLimits> {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`createSandbox: limits.${key} must be a positive integer (got ${String(value)}).`);
  }
  return resolved;
}

/** A Map that drops its oldest entry when full (insertion order is age order). */
export class CappedMap<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly max: number) {}
  set(key: K, value: V): void {
    this.#map.delete(key);
    while (this.#map.size >= this.max) {
      const oldest = this.#map.keys().next();
      if (oldest.done) break;
      this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }
  /** Reads and removes (single-use tokens). */
  take(key: K): V | undefined {
    const value = this.#map.get(key);
    this.#map.delete(key);
    return value;
  }
}

export class SandboxStore {
  readonly limits: Required<SandboxLimits>;
  /** guid → user, in creation order (how `GET /users` lists them). */
  readonly #users = new Map<string, UserRecord>();
  /** The same guids, least recently used first (touching a user moves it to the end): who is evicted first. */
  readonly #recency = new Set<string>();
  /** partner id → user guid (ids are unique per client, as at MX). Bounded by #users. */
  readonly #userIds = new Map<string, string>();
  /** guid → member. Bounded by maxMembers. */
  readonly #members = new Map<string, MemberRecord>();
  /** user guid → that user's members in creation order. Bounded by #users (and maxMembersPerUser each). */
  readonly #membersByUser = new Map<string, Map<string, MemberRecord>>();
  readonly oauthLinks: CappedMap<string, OauthLink>;
  readonly consentSessions: CappedMap<string, ConsentSession>;

  constructor(limits: SandboxLimits = {}) {
    this.limits = resolveLimits(limits);
    this.oauthLinks = new CappedMap(this.limits.maxOauthLinks);
    this.consentSessions = new CappedMap(this.limits.maxConsentSessions);
  }

  /** A user by guid, marked as recently used. */
  user(guid: string): UserRecord | undefined {
    const user = this.#users.get(guid);
    if (user) {
      this.#recency.delete(guid);
      this.#recency.add(guid);
    }
    return user;
  }

  /** A user by guid without touching its recency (reads made on another object's behalf). */
  peekUser(guid: string): UserRecord | undefined {
    return this.#users.get(guid);
  }

  userById(id: string): UserRecord | undefined {
    const guid = this.#userIds.get(id);
    return guid === undefined ? undefined : this.#users.get(guid);
  }

  users(): IterableIterator<UserRecord> {
    return this.#users.values();
  }

  addUser(user: UserRecord): void {
    while (this.#users.size >= this.limits.maxUsers) this.#evictLeastRecentUser();
    this.#users.set(user.guid, user);
    this.#recency.add(user.guid);
    if (user.id !== null) this.#userIds.set(user.id, user.guid);
  }

  setUserId(user: UserRecord, id: string): void {
    if (user.id !== null) this.#userIds.delete(user.id);
    user.id = id;
    this.#userIds.set(id, user.guid);
  }

  deleteUser(guid: string): void {
    const user = this.#users.get(guid);
    if (!user) return;
    this.#users.delete(guid);
    this.#recency.delete(guid);
    if (user.id !== null) this.#userIds.delete(user.id);
    for (const member of this.#membersByUser.get(guid)?.values() ?? []) this.#members.delete(member.guid);
    this.#membersByUser.delete(guid);
  }

  member(guid: string): MemberRecord | undefined {
    return this.#members.get(guid);
  }

  /** The user's members, oldest first. */
  membersOf(userGuid: string): MemberRecord[] {
    return [...(this.#membersByUser.get(userGuid)?.values() ?? [])];
  }

  addMember(member: MemberRecord): void {
    const own = this.#membersByUser.get(member.userGuid) ?? new Map<string, MemberRecord>();
    if (own.size >= this.limits.maxMembersPerUser) {
      throw new HTTPException(405, {
        message: `This user already has the maximum of ${this.limits.maxMembersPerUser} members; delete one before creating another.`,
      });
    }
    while (this.#members.size >= this.limits.maxMembers) this.#evictLeastRecentUser(member.userGuid);
    own.set(member.guid, member);
    this.#membersByUser.set(member.userGuid, own);
    this.#members.set(member.guid, member);
  }

  deleteMember(member: MemberRecord): void {
    this.#members.delete(member.guid);
    this.#membersByUser.get(member.userGuid)?.delete(member.guid);
  }

  /** Drops the least recently used user (never `keep`, the user a new member is being created for). */
  #evictLeastRecentUser(keep?: string): void {
    for (const guid of this.#recency) {
      if (guid === keep) continue;
      this.deleteUser(guid);
      return;
    }
    throw new HTTPException(405, { message: 'The sandbox is full.' });
  }
}
