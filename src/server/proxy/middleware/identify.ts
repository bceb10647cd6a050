import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

import { USER_GUID_PATTERN } from '../patterns.ts';
import { GENERIC_MESSAGES, ProxyError } from '../proxyError.ts';
import { RevocationStoreError } from '../sessionTokens.ts';
import { createDigestCache } from '../sha256.ts';
import type { ProxyEnv } from './proxyEnv.ts';

export type Authenticate = (request: Request) => string | null | undefined | Promise<string | null | undefined>;

// A proxy serves the same signed-in users over and over: their SHA-256 is remembered rather than recomputed. Sized for
// the active users of a busy proxy (the bench runs 1,000 people at once), at about 150 bytes an entry.
export const USER_KEY_CACHE_SIZE = 10_000;

/**
 * Who is calling, before any route is looked at (an unauthenticated caller learns nothing, not even 404s). The user
 * always comes from the partner's `authenticate`, never from the request.
 */
export function identify(authenticate: Authenticate): MiddlewareHandler<ProxyEnv> {
  const userKeyOf = createDigestCache(USER_KEY_CACHE_SIZE);
  return async (c, next) => {
    const state = c.get('proxyState');
    state.userGuid = await authenticateRequest(authenticate, c.req.raw);
    const userKey = userKeyOf(state.userGuid);
    state.userKey = typeof userKey === 'string' ? userKey : await userKey;
    await next();
  };
}

async function authenticateRequest(authenticate: Authenticate, request: Request): Promise<string> {
  let userGuid: string | null | undefined;
  try {
    userGuid = await authenticate(request);
  } catch (error) {
    if (error instanceof RevocationStoreError) {
      // Fail closed without blaming the token: a 401 would make the widget fetch new tokens that fail the same way.
      throw new ProxyError(503, GENERIC_MESSAGES.unavailable, 'revocation_store_failed', {
        headers: { 'Retry-After': '5' },
      });
    }
    if (error instanceof HTTPException && (error.status === 401 || error.status === 403)) {
      throw new ProxyError(error.status, error.message || 'Not authenticated.', 'unauthenticated');
    }
    throw new ProxyError(500, GENERIC_MESSAGES.internal, 'authenticate_failed');
  }
  if (userGuid === null || userGuid === undefined || userGuid === '') {
    throw new ProxyError(401, 'Not authenticated.', 'unauthenticated');
  }
  // The guid goes into upstream paths: anything but a plain MX guid is the partner's bug, not the user's.
  if (typeof userGuid !== 'string' || !USER_GUID_PATTERN.test(userGuid)) {
    throw new ProxyError(500, GENERIC_MESSAGES.internal, 'invalid_user_guid');
  }
  return userGuid;
}
