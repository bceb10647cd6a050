// What every sandbox sub-app shares: the app's Env, its dependencies (one store, the clock, the timing), MX's response
// and error shapes, the URLs it builds for browsers, fault application, and the user and member loaders.
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { basePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
import type { components } from '../../mx/mxTypes.generated.ts';
import type { Catalogue, CatalogueInstitution } from './catalogue.ts';
import type { Fault } from './faults.ts';
import { droppedResponse, statusFaultError } from './faults.ts';
import type { MemberRecord, MemberWire, Timing } from './memberState.ts';
import { memberWire, settle } from './memberState.ts';
import type { SandboxStore, UserRecord } from './store.ts';
import type { MemberEvents } from './webhooks.ts';

export type Schemas = components['schemas'];

export { MX_MEDIA_TYPE };

export interface SandboxEnv {
  Variables: {
    /** A malformed-body fault applies once the handler has answered. */
    malformed: boolean;
    /** Set by the user loader on every `/users/{user_guid}/…` route. */
    user: UserRecord;
    /** Set by the member loader on every `/users/{user_guid}/members/{member_guid}/…` route, settled to now. */
    member: MemberRecord;
  };
}

export type Ctx = Context<SandboxEnv>;

export interface SandboxDeps {
  readonly store: SandboxStore;
  readonly catalogue: Catalogue;
  readonly timing: Timing;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The public path (or absolute URL) the sandbox is reached at, when it cannot be derived from the route. */
  readonly basePath: string | undefined;
  /** Member changes, for webhooks (no-ops when none are configured). */
  readonly events: MemberEvents;
}

/** Brings a member's state up to now and reports what changed (webhooks). */
export function settleMember(deps: SandboxDeps, member: MemberRecord): void {
  const observe = (): void => deps.events.observe(member);
  settle(member, deps.now(), deps.timing, observe);
  observe();
}

export const json = (c: Ctx, body: unknown, status: ContentfulStatusCode = 200): Response =>
  c.body(JSON.stringify(body), status, { 'Content-Type': MX_MEDIA_TYPE });

export const fail = (status: 400 | 404 | 405 | 409 | 422, message: string): never => {
  throw new HTTPException(status, { message });
};

/**
 * Where browsers reach the sandbox: `basePath` when given (mounted with `app.mount`, Express `app.use` or behind a
 * path-rewriting proxy, the sandbox cannot see its prefix), otherwise the path Hono's `app.route()` mounted it at
 * ('' at the root, '/sandbox' under the demo) on the request's origin.
 */
export function publicBase(c: Ctx, deps: SandboxDeps): { origin: string; prefix: string } {
  const url = new URL(c.req.url);
  if (deps.basePath !== undefined) {
    if (/^https?:\/\//.test(deps.basePath)) {
      const base = new URL(deps.basePath);
      return { origin: base.origin, prefix: base.pathname.replace(/\/+$/, '') };
    }
    return { origin: url.origin, prefix: deps.basePath.replace(/\/+$/, '') };
  }
  const mounted = basePath(c);
  return { origin: url.origin, prefix: mounted === '/' ? '' : mounted.replace(/\/+$/, '') };
}

/** The absolute URL of the sandbox's root, e.g. `http://127.0.0.1:3000/sandbox`. */
export const baseUrl = (c: Ctx, deps: SandboxDeps): string => {
  const { origin, prefix } = publicBase(c, deps);
  return `${origin}${prefix}`;
};

export const logoUrls = (c: Ctx, deps: SandboxDeps, code: string): { small: string; medium: string } => {
  const base = `${baseUrl(c, deps)}/logos/${encodeURIComponent(code)}`;
  return { small: `${base}_50.svg`, medium: `${base}_100.svg` };
};

export async function applyFault(c: Ctx, deps: SandboxDeps, fault: Fault): Promise<Response | null> {
  switch (fault.kind) {
    case 'delay':
      await deps.sleep(fault.ms);
      return null;
    case 'status':
      throw statusFaultError(fault);
    case 'drop':
      return droppedResponse();
    case 'malformed':
      c.set('malformed', true);
      return null;
  }
}

export const getInstitution = (deps: SandboxDeps, code: string | undefined): CatalogueInstitution =>
  deps.catalogue.byCode.get(code ?? '') ?? fail(404, 'Institution not found.');

export const memberOut = (deps: SandboxDeps, member: MemberRecord): MemberWire =>
  memberWire(member, deps.store.peekUser(member.userGuid)?.id ?? null);

/** Loads `user_guid` for every route under `/users/{user_guid}` (404 when unknown). */
export const loadUser = (deps: SandboxDeps): MiddlewareHandler<SandboxEnv> =>
  createMiddleware<SandboxEnv>(async (c, next) => {
    c.set('user', deps.store.user(c.req.param('user_guid') ?? '') ?? fail(404, 'User not found.'));
    await next();
  });

/**
 * Loads `member_guid` of the loaded user (a member of another user is a 404), brings its state up to now, and applies
 * its institution's fault (fault_*_bank), so a form renders and the submit fails.
 */
export const loadMember = (deps: SandboxDeps): MiddlewareHandler<SandboxEnv> =>
  createMiddleware<SandboxEnv>(async (c, next) => {
    const member = deps.store.member(c.req.param('member_guid') ?? '');
    if (!member || member.userGuid !== c.get('user').guid) return fail(404, 'Member not found.');
    settleMember(deps, member);
    c.set('member', member);
    const faulted = member.institution.fault ? await applyFault(c, deps, member.institution.fault) : null;
    if (faulted) return faulted;
    await next();
  });
