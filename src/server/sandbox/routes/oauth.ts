// OAuth (mx_bank_oauth): the MX API's `GET …/oauth_window_uri`, and the public pages a browser opens with it: the
// consent page (no inline script or style, strict CSP), its decision form, and the completion page.
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';

import { DecisionForm } from '../bodies.ts';
import type { Ctx, SandboxDeps, SandboxEnv } from '../context.ts';
import { baseUrl, fail, json, logoUrls, publicBase, settleMember } from '../context.ts';
import { randomToken } from '../ids.ts';
import type { MemberRecord } from '../memberState.ts';
import { startProcessing } from '../memberState.ts';
import {
  COMPLETE_JS,
  completePage,
  CONSENT_CSS,
  CONSENT_JS,
  consentPage,
  expiredPage,
  OAUTH_CSP,
  safeOrigin,
} from '../oauthPages.ts';
import { asset } from './institutions.ts';

const OAUTH_LINK_TTL_MS = 10 * 60 * 1000;

/** A fresh single-use consent link for the member (it replaces the member's `oauth_window_uri`). */
export function issueOauthLink(c: Ctx, deps: SandboxDeps, member: MemberRecord, skipAggregation: boolean): string {
  const token = randomToken();
  deps.store.oauthLinks.set(token, { memberGuid: member.guid, issuedAt: deps.now(), skipAggregation });
  member.oauthWindowUri = `${baseUrl(c, deps)}/oauth/authorize/${token}`;
  return member.oauthWindowUri;
}

/** `GET /users/{user_guid}/members/{member_guid}/oauth_window_uri` (behind Basic auth). */
export function oauthApiRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get('/users/:user_guid/members/:member_guid/oauth_window_uri', (c) => {
    const record = c.get('member');
    if (!record.isOauth && record.status !== 'PENDING') fail(400, 'This member does not use OAuth.');
    const referral = c.req.query('referral_source');
    if (referral !== undefined && referral !== 'BROWSER' && referral !== 'APP')
      fail(400, '"referral_source" must be BROWSER or APP.');
    const skip = c.req.query('skip_aggregation');
    if (skip !== undefined && skip !== 'true' && skip !== 'false')
      fail(400, '"skip_aggregation" must be true or false.');
    const uri = issueOauthLink(c, deps, record, skip === 'true');
    return json(c, { member: { guid: record.guid, oauth_window_uri: uri } });
  });
  return app;
}

const html = (c: Ctx, body: string, status: ContentfulStatusCode = 200): Response =>
  c.body(body, status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': OAUTH_CSP,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });

/** The consent page and its assets (no Basic auth: a browser opens them). */
export function oauthPageRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, now } = deps;
  const app = new Hono<SandboxEnv>();
  const prefix = (c: Ctx): string => publicBase(c, deps).prefix;

  app.get('/oauth/consent.js', (c) => asset(c, CONSENT_JS, 'text/javascript; charset=utf-8'));
  app.get('/oauth/complete.js', (c) => asset(c, COMPLETE_JS, 'text/javascript; charset=utf-8'));
  app.get('/oauth/consent.css', (c) => asset(c, CONSENT_CSS, 'text/css; charset=utf-8'));

  app.get('/oauth/authorize/:token', (c) => {
    const link = store.oauthLinks.take(c.req.param('token')); // single use, even when expired
    const member = link && store.member(link.memberGuid);
    if (!link || !member || now() - link.issuedAt > OAUTH_LINK_TTL_MS) return html(c, expiredPage(prefix(c)), 404);
    const session = randomToken();
    store.consentSessions.set(session, { memberGuid: member.guid, skipAggregation: link.skipAggregation });
    return html(
      c,
      consentPage({
        base: prefix(c),
        institutionName: member.institution.name,
        logoUrl: logoUrls(c, deps, member.institution.code).medium,
        session,
      }),
    );
  });

  app.post('/oauth/decision', async (c) => {
    const form = v.parse(DecisionForm, await c.req.parseBody());
    const session = store.consentSessions.take(form.session);
    const member = session && store.member(session.memberGuid);
    if (!session || !member) return html(c, expiredPage(prefix(c)), 404);
    settleMember(deps, member);
    const targetOrigin = safeOrigin(form.opener_origin);
    const authorized = form.decision === 'authorize';
    if (authorized) {
      if (session.skipAggregation) {
        member.status = 'CONNECTED';
        member.isAuthenticated = true;
        member.job = null;
      } else startProcessing(member, now());
    } else {
      member.job = null;
      member.status = 'DENIED';
    }
    member.oauthWindowUri = null;
    deps.events.observe(member);
    return html(
      c,
      completePage({
        base: prefix(c),
        result: authorized ? 'success' : 'error',
        memberGuid: member.guid,
        targetOrigin,
        errorReason: authorized ? undefined : 'DENIED',
      }),
    );
  });

  return app;
}
