// The MX Platform API (v20111101) emulator as a Hono app. Web-standard APIs only: it answers in Node, jsdom and an
// MSW service worker alike. Facts it follows: ../shared/docs/mx-platform.md; contract: ../shared/spec/v20111101.yml.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
import type { components } from '../../mx/mxTypes.generated.ts';
import { accountWire, memberAccounts } from './accounts.ts';
import { getCatalogue, siteKeyPath } from './catalogue.ts';
import type { CatalogueCredential, CatalogueInstitution } from './catalogue.ts';
import { droppedResponse, FAULT_HEADER, malformed, parseFaultHeader, statusFaultError } from './faults.ts';
import type { Fault } from './faults.ts';
import { randomGuid, randomToken } from './ids.ts';
import { logoSvg } from './logo.ts';
import {
  challengeWire,
  currentChallenges,
  isAggregating,
  memberWire,
  resume,
  settle,
  startJob,
  startProcessing,
  statusWire,
} from './memberState.ts';
import type { MemberRecord, Timing } from './memberState.ts';
import {
  COMPLETE_JS,
  completePage,
  CONSENT_CSS,
  CONSENT_JS,
  consentPage,
  expiredPage,
  OAUTH_CSP,
  safeOrigin,
} from './oauthPages.ts';
import { paginate } from './pagination.ts';
import { siteKeySvg } from './siteKeyImage.ts';

type Schemas = components['schemas'];

export interface SandboxOptions {
  /** Basic-auth user name. Defaults to `'sandbox-client-id'`. */
  clientId?: string;
  /** Basic-auth password. Defaults to `'sandbox-api-key'`. */
  apiKey?: string;
  /** How long one aggregation phase takes, in ms. Defaults to 1500. */
  aggregationMs?: number;
  /** An unanswered challenge ends EXPIRED after this many ms. Defaults to 5 minutes. */
  challengeExpiryMs?: number;
  /** Injectable clock (ms since epoch). State is derived from it lazily on each request: no timers. */
  now?: () => number;
  /** How a delay fault waits. Defaults to `setTimeout`; tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_API_KEY = 'sandbox-api-key';

const OAUTH_LINK_TTL_MS = 10 * 60 * 1000;

interface UserRecord {
  guid: string;
  id: string | null;
  email: string | null;
  isDisabled: boolean;
  metadata: string | null;
}

interface Env {
  Variables: {
    /** The route pattern relative to the sandbox root, to derive the mount prefix. */
    pattern: string;
    /** A malformed-body fault applies once the handler has answered. */
    malformed: boolean;
  };
}

type Ctx = Context<Env>;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createSandbox(options: SandboxOptions = {}): Hono<Env> {
  const clientId = options.clientId ?? SANDBOX_CLIENT_ID;
  const apiKey = options.apiKey ?? SANDBOX_API_KEY;
  const timing: Timing = {
    aggregationMs: options.aggregationMs ?? 1500,
    challengeExpiryMs: options.challengeExpiryMs ?? 5 * 60 * 1000,
  };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const expectedAuth = `Basic ${btoa(`${clientId}:${apiKey}`)}`;
  const catalogue = getCatalogue();

  const users = new Map<string, UserRecord>();
  const members = new Map<string, MemberRecord>();
  const oauthLinks = new Map<string, { memberGuid: string; issuedAt: number; skipAggregation: boolean }>();
  const consentSessions = new Map<string, { memberGuid: string; skipAggregation: boolean }>();

  const app = new Hono<Env>();

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const headers = new Headers(error.res?.headers);
      headers.set('Content-Type', MX_MEDIA_TYPE);
      return new Response(JSON.stringify({ error: { message: error.message } }), { status: error.status, headers });
    }
    console.error('sandbox: unexpected error', error instanceof Error ? error.message : 'unknown');
    return c.body(JSON.stringify({ error: { message: 'Internal server error.' } }), 500, { 'Content-Type': MX_MEDIA_TYPE });
  });

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** The path before the route the sandbox matched: '' at the root, '/sandbox' when mounted there. */
  const mountPrefix = (c: Ctx): string => {
    const segments = new URL(c.req.url).pathname.split('/');
    const depth = c.get('pattern').split('/').length - 1;
    return segments.slice(0, segments.length - depth).join('/');
  };
  const baseUrl = (c: Ctx): string => `${new URL(c.req.url).origin}${mountPrefix(c)}`;

  const json = (c: Ctx, body: unknown, status: ContentfulStatusCode = 200): Response =>
    c.body(JSON.stringify(body), status, { 'Content-Type': MX_MEDIA_TYPE });

  const fail = (status: 400 | 404 | 405 | 409 | 422, message: string): never => {
    throw new HTTPException(status, { message });
  };

  async function readBody(c: Ctx): Promise<Record<string, unknown>> {
    const text = await c.req.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(400, 'The request body is not valid JSON.');
    }
    if (!isObject(parsed)) return fail(400, 'The request body must be a JSON object.');
    return parsed;
  }

  function rootObject(body: Record<string, unknown>, key: string): Record<string, unknown> {
    const value = body[key];
    if (!isObject(value)) return fail(400, `The request body must contain a "${key}" object.`);
    return value;
  }

  const optionalString = (object: Record<string, unknown>, key: string): string | undefined => {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return fail(400, `"${key}" must be a string.`);
    return value;
  };
  const optionalBoolean = (object: Record<string, unknown>, key: string): boolean | undefined => {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return fail(400, `"${key}" must be a boolean.`);
    return value;
  };
  const optionalUseCases = (object: Record<string, unknown>): MemberRecord['useCases'] => {
    const value = object.use_cases;
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((item) => item === 'PFM' || item === 'MONEY_MOVEMENT')) {
      return fail(400, '"use_cases" must be an array of "PFM" and/or "MONEY_MOVEMENT".');
    }
    return value as MemberRecord['useCases'];
  };

  function credentialAnswers(value: unknown, key: string): { guid: string; value: string }[] {
    if (!Array.isArray(value)) return fail(400, `"${key}" must be an array of {guid, value}.`);
    return value.map((item) => {
      if (!isObject(item) || typeof item.guid !== 'string' || typeof item.value !== 'string') {
        return fail(400, `Each entry of "${key}" must have a string "guid" and a string "value".`);
      }
      return { guid: item.guid, value: item.value };
    });
  }

  const getUser = (c: Ctx): UserRecord => {
    const user = users.get(c.req.param('user_guid') ?? '');
    if (!user) return fail(404, 'User not found.');
    return user;
  };

  /** Reads a member of this user (a member of another user is a 404) and brings its state up to now. */
  const getMember = (c: Ctx, user: UserRecord): MemberRecord => {
    const member = members.get(c.req.param('member_guid') ?? '');
    if (!member || member.userGuid !== user.guid) return fail(404, 'Member not found.');
    settle(member, now(), timing);
    return member;
  };

  const getInstitution = (code: string | undefined): CatalogueInstitution => {
    const institution = catalogue.byCode.get(code ?? '');
    if (!institution) return fail(404, 'Institution not found.');
    return institution;
  };

  /** Per-institution faults (fault_*_bank) apply to member requests, so the form renders and the submit fails. */
  async function institutionFault(c: Ctx, institution: CatalogueInstitution): Promise<Response | null> {
    return institution.fault ? applyFault(c, institution.fault) : null;
  }

  async function applyFault(c: Ctx, fault: Fault): Promise<Response | null> {
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.ms);
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

  const logoUrls = (c: Ctx, code: string): { small: string; medium: string } => {
    const base = `${baseUrl(c)}/logos/${encodeURIComponent(code)}`;
    return { small: `${base}_50.svg`, medium: `${base}_100.svg` };
  };

  const institutionWire = (c: Ctx, institution: CatalogueInstitution): Schemas['InstitutionResponse'] => {
    const logos = logoUrls(c, institution.code);
    return {
      code: institution.code,
      forgot_password_url: institution.forgot_password_url,
      forgot_username_url: institution.forgot_username_url,
      instructional_text: institution.instructional_text,
      instructional_text_steps: institution.instructional_text_steps ? [...institution.instructional_text_steps] : null,
      is_disabled_by_client: false,
      iso_country_code: institution.iso_country_code,
      medium_logo_url: logos.medium,
      name: institution.name,
      small_logo_url: logos.small,
      supports_account_identification: institution.supports_account_identification,
      supports_account_statement: institution.supports_account_statement,
      supports_account_verification: institution.supports_account_verification,
      supports_oauth: institution.supports_oauth,
      supports_tax_document: institution.supports_tax_document,
      supports_transaction_history: institution.supports_transaction_history,
      trouble_signing_in_url: institution.trouble_signing_in_url,
      url: institution.url,
    };
  };

  // A catalogue `url` starting with '/' is served by the sandbox itself (site-key images): absolute, like the logos.
  const credentialWire =
    (c: Ctx) =>
    (credential: CatalogueCredential): Schemas['CredentialResponse'] => {
      const served: CatalogueCredential = credential.url?.startsWith('/')
        ? { ...credential, url: `${baseUrl(c)}${credential.url}` }
        : { ...credential };
      return served;
    };

  const userWire = (user: UserRecord): Schemas['UserResponse'] => ({
    email: user.email,
    guid: user.guid,
    id: user.id,
    is_disabled: user.isDisabled,
    metadata: user.metadata,
  });

  const memberOut = (member: MemberRecord): Schemas['MemberResponse'] =>
    memberWire(member, users.get(member.userGuid)?.id ?? null);

  const issueOauthLink = (c: Ctx, member: MemberRecord, skipAggregation: boolean): string => {
    const token = randomToken();
    oauthLinks.set(token, { memberGuid: member.guid, issuedAt: now(), skipAggregation });
    member.oauthWindowUri = `${baseUrl(c)}/oauth/authorize/${token}`;
    return member.oauthWindowUri;
  };

  /** Emulator convenience (not MX's documented body): the 409 names the existing member so a client can offer it. */
  const duplicateError = (existing: MemberRecord): never => {
    throw new HTTPException(409, {
      message: `A member with these credentials already exists for this user and institution (existing member: ${existing.guid}).`,
    });
  };

  const sameCredentials = (a: Map<string, string>, b: Map<string, string>): boolean =>
    a.size > 0 && a.size === b.size && [...a].every(([guid, value]) => b.get(guid) === value);

  const findDuplicate = (candidate: Pick<MemberRecord, 'guid' | 'userGuid' | 'institution' | 'credentials'>): MemberRecord | undefined =>
    [...members.values()].find(
      (other) =>
        other.guid !== candidate.guid &&
        other.userGuid === candidate.userGuid &&
        other.institution.code === candidate.institution.code &&
        sameCredentials(other.credentials, candidate.credentials),
    );

  function checkedCredentials(institution: CatalogueInstitution, answers: readonly { guid: string; value: string }[]): Map<string, string> {
    const known = new Set(institution.credentials.map((credential) => credential.guid));
    for (const answer of answers) {
      if (!known.has(answer.guid)) fail(422, `Credential ${answer.guid.slice(0, 60)} does not belong to institution ${institution.code}.`);
    }
    return new Map(answers.map((answer) => [answer.guid, answer.value]));
  }

  // Registers a route and remembers its sandbox-relative pattern (for the mount prefix).
  type Handler = (c: Ctx) => Response | Promise<Response>;
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', pattern: string, handler: Handler): void => {
    app.on(method, pattern, (c) => {
      c.set('pattern', pattern);
      return handler(c);
    });
  };

  // ---- public browser routes: consent page, its assets, logos, site keys (no Basic auth: a browser opens them) ----

  const asset = (c: Ctx, body: string, type: string): Response =>
    c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
  const html = (c: Ctx, body: string, status: ContentfulStatusCode = 200): Response =>
    c.body(body, status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': OAUTH_CSP,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });

  route('GET', '/oauth/consent.js', (c) => asset(c, CONSENT_JS, 'text/javascript; charset=utf-8'));
  route('GET', '/oauth/complete.js', (c) => asset(c, COMPLETE_JS, 'text/javascript; charset=utf-8'));
  route('GET', '/oauth/consent.css', (c) => asset(c, CONSENT_CSS, 'text/css; charset=utf-8'));

  route('GET', '/oauth/authorize/:token', (c) => {
    const token = c.req.param('token') ?? '';
    const link = oauthLinks.get(token);
    oauthLinks.delete(token); // single use, even when expired
    const member = link && members.get(link.memberGuid);
    if (!link || !member || now() - link.issuedAt > OAUTH_LINK_TTL_MS) return html(c, expiredPage(mountPrefix(c)), 404);
    const session = randomToken();
    consentSessions.set(session, { memberGuid: member.guid, skipAggregation: link.skipAggregation });
    return html(
      c,
      consentPage({
        base: mountPrefix(c),
        institutionName: member.institution.name,
        logoUrl: logoUrls(c, member.institution.code).medium,
        session,
      }),
    );
  });

  route('POST', '/oauth/decision', async (c) => {
    const form = await c.req.parseBody();
    const sessionId = typeof form.session === 'string' ? form.session : '';
    const session = consentSessions.get(sessionId);
    consentSessions.delete(sessionId);
    const member = session && members.get(session.memberGuid);
    if (!session || !member) return html(c, expiredPage(mountPrefix(c)), 404);
    settle(member, now(), timing);
    const targetOrigin = safeOrigin(typeof form.opener_origin === 'string' ? form.opener_origin : undefined);
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
    return html(
      c,
      completePage({
        base: mountPrefix(c),
        result: authorized ? 'success' : 'error',
        memberGuid: member.guid,
        targetOrigin,
        errorReason: authorized ? undefined : 'DENIED',
      }),
    );
  });

  route('GET', '/logos/:file', (c) => {
    const match = /^(.+)_(50|100)\.svg$/.exec(c.req.param('file') ?? '');
    const institution = match && catalogue.byCode.get(match[1] ?? '');
    if (!match || !institution) return fail(404, 'Logo not found.');
    return asset(c, logoSvg(institution.name, institution.colour, Number(match[2])), 'image/svg+xml');
  });

  route('GET', '/sitekeys/:file', (c) => {
    const code = /^(.+)\.svg$/.exec(c.req.param('file') ?? '')?.[1] ?? '';
    const institution = catalogue.byCode.get(code);
    // Only institutions whose credentials name this picture have one.
    if (!institution?.credentials.some((credential) => credential.url === siteKeyPath(code))) return fail(404, 'Image not found.');
    return asset(c, siteKeySvg(institution.name, institution.colour), 'image/svg+xml');
  });

  // ---- the MX API: faults, auth, Accept ---------------------------------------------------------------------------

  app.use('*', async (c, next) => {
    // Browser routes above have already answered; everything else is the API.
    const faults = parseFaultHeader(c.req.header(FAULT_HEADER));
    for (const fault of faults) {
      const response = await applyFault(c, fault);
      if (response) return response;
    }
    if (c.req.header('Authorization') !== expectedAuth) {
      throw new HTTPException(401, {
        message: 'Unauthorized: the client_id and api_key (HTTP Basic) are missing or invalid.',
        res: new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="MX Platform API"' } }),
      });
    }
    const accept = c.req.header('Accept') ?? '';
    if (!accept.split(',').some((part) => part.split(';')[0]?.trim().toLowerCase() === MX_MEDIA_TYPE)) {
      throw new HTTPException(406, {
        message: `Not Acceptable: no valid API version was requested; send the header "Accept: ${MX_MEDIA_TYPE}".`,
      });
    }
    const callback = c.req.header('X-CALLBACK-PAYLOAD');
    if (callback !== undefined && (callback.length > 1024 || !/^[A-Za-z0-9+/]*={0,2}$/.test(callback))) {
      throw new HTTPException(400, { message: 'X-CALLBACK-PAYLOAD must be a base64 string of at most 1024 characters.' });
    }
    await next();
    if (c.get('malformed')) c.res = await malformed(c.res);
  });

  // ---- users -------------------------------------------------------------------------------------------------------

  route('POST', '/users', async (c) => {
    const user = rootObject(await readBody(c), 'user');
    if (Object.keys(user).length === 0) fail(400, 'The user object cannot be empty.');
    const id = optionalString(user, 'id') ?? null;
    if (id !== null && [...users.values()].some((other) => other.id === id)) fail(409, `A user with id "${id.slice(0, 60)}" already exists.`);
    const record: UserRecord = {
      guid: randomGuid('USR'),
      id,
      email: optionalString(user, 'email') ?? null,
      isDisabled: optionalBoolean(user, 'is_disabled') ?? false,
      metadata: optionalString(user, 'metadata') ?? null,
    };
    users.set(record.guid, record);
    return json(c, { user: userWire(record) });
  });

  route('GET', '/users', (c) => {
    const { id, email, is_disabled: isDisabled } = c.req.query();
    if (isDisabled !== undefined && isDisabled !== 'true' && isDisabled !== 'false') fail(400, '"is_disabled" must be true or false.');
    const list = [...users.values()].filter(
      (user) =>
        (id === undefined || user.id === id) &&
        (email === undefined || user.email === email) &&
        (isDisabled === undefined || user.isDisabled === (isDisabled === 'true')),
    );
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { users: items.map(userWire), pagination });
  });

  route('GET', '/users/:user_guid', (c) => json(c, { user: userWire(getUser(c)) }));

  route('PUT', '/users/:user_guid', async (c) => {
    const record = getUser(c);
    const user = rootObject(await readBody(c), 'user');
    if (Object.keys(user).length === 0) fail(400, 'The user object cannot be empty.');
    const id = optionalString(user, 'id');
    if (id !== undefined && [...users.values()].some((other) => other.id === id && other.guid !== record.guid)) {
      fail(409, `A user with id "${id.slice(0, 60)}" already exists.`);
    }
    const email = optionalString(user, 'email');
    const isDisabled = optionalBoolean(user, 'is_disabled');
    const metadata = optionalString(user, 'metadata');
    if (id !== undefined) record.id = id;
    if (email !== undefined) record.email = email;
    if (isDisabled !== undefined) record.isDisabled = isDisabled;
    if (metadata !== undefined) record.metadata = metadata;
    return json(c, { user: userWire(record) });
  });

  route('DELETE', '/users/:user_guid', (c) => {
    const user = getUser(c);
    users.delete(user.guid);
    for (const member of [...members.values()]) if (member.userGuid === user.guid) members.delete(member.guid);
    return c.body(null, 204);
  });

  // ---- institutions ------------------------------------------------------------------------------------------------

  const countries = (c: Ctx): string[] => [...c.req.queries('iso_country_code') ?? [], ...c.req.queries('iso_country_code[]') ?? []].flatMap((value) => value.split(',')).map((value) => value.trim().toUpperCase()).filter(Boolean);

  const SUPPORT_FILTERS = [
    'supports_account_identification',
    'supports_account_statement',
    'supports_account_verification',
    'supports_transaction_history',
  ] as const;

  route('GET', '/institutions', (c) => {
    const query = c.req.query();
    const wanted = countries(c);
    const filters = SUPPORT_FILTERS.filter((key) => {
      const value = query[key];
      if (value === undefined) return false;
      if (value !== 'true' && value !== 'false') fail(400, `"${key}" must be true or false.`);
      return value === 'true';
    });
    const name = (query.name ?? '').trim().toLowerCase();
    const squashed = name.replaceAll(/\s+/g, '');
    const matches = catalogue.all.filter((institution) => {
      if (wanted.length > 0 && !wanted.includes(institution.iso_country_code)) return false;
      if (!filters.every((key) => institution[key])) return false;
      if (!name) return true;
      const lower = institution.name.toLowerCase();
      // MX matches `mxbank` to "MX Bank": compare with and without spaces, and against the code.
      return lower.includes(name) || lower.replaceAll(/\s+/g, '').includes(squashed) || institution.code.includes(squashed);
    });
    const rank = (institution: CatalogueInstitution): number => (name && institution.name.toLowerCase().startsWith(name) ? 0 : 1);
    const sorted = name ? [...matches].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)) : matches;
    const { items, pagination } = paginate(sorted, query, 100);
    return json(c, { institutions: items.map((institution) => institutionWire(c, institution)), pagination });
  });

  route('GET', '/institutions/favorites', (c) => {
    const wanted = countries(c);
    const list = catalogue.favorites.filter((institution) => wanted.length === 0 || wanted.includes(institution.iso_country_code));
    const { items, pagination } = paginate(list, c.req.query(), 100);
    return json(c, { institutions: items.map((institution) => institutionWire(c, institution)), pagination });
  });

  route('GET', '/institutions/:institution_code', (c) =>
    json(c, { institution: institutionWire(c, getInstitution(c.req.param('institution_code'))) }),
  );

  route('GET', '/institutions/:institution_code/credentials', (c) => {
    const institution = getInstitution(c.req.param('institution_code'));
    const { items, pagination } = paginate(institution.credentials, c.req.query(), 1000);
    return json(c, { credentials: items.map(credentialWire(c)), pagination });
  });

  // ---- members -----------------------------------------------------------------------------------------------------

  route('POST', '/users/:user_guid/members', async (c) => {
    const user = getUser(c);
    const body = await readBody(c);
    const member = rootObject(body, 'member');
    const institution = getInstitution(optionalString(member, 'institution_code') ?? fail(400, '"member.institution_code" is required.'));
    const faulted = await institutionFault(c, institution);
    if (faulted) return faulted;
    // is_oauth only makes an OAuth member where the institution supports OAuth; such a member sends no credentials.
    const isOauth = (optionalBoolean(member, 'is_oauth') ?? false) && institution.supports_oauth;
    const answers =
      member.credentials === undefined && isOauth ? [] : credentialAnswers(member.credentials ?? fail(400, '"member.credentials" is required.'), 'member.credentials');
    const skipAggregation = optionalBoolean(member, 'skip_aggregation') ?? false;
    const id = optionalString(member, 'id') ?? null;
    const referral = optionalString(body, 'referral_source');
    if (referral !== undefined && referral !== 'BROWSER' && referral !== 'APP') fail(400, '"referral_source" must be BROWSER or APP.');
    const record: MemberRecord = {
      guid: randomGuid('MBR'),
      userGuid: user.guid,
      institution,
      isOauth,
      credentials: checkedCredentials(institution, answers),
      id,
      metadata: optionalString(member, 'metadata') ?? null,
      backgroundAggregationIsDisabled: optionalBoolean(member, 'background_aggregation_is_disabled') ?? false,
      useCases: optionalUseCases(member),
      status: 'CREATED',
      isAuthenticated: false,
      hasProcessedAccounts: false,
      hasProcessedTransactions: false,
      hasProcessedAccountNumbers: false,
      aggregatedAt: null,
      successfullyAggregatedAt: null,
      accountsAt: null,
      oauthWindowUri: null,
      job: null,
    };
    if (id !== null && [...members.values()].some((other) => other.userGuid === user.guid && other.id === id)) {
      fail(409, `A member with id "${id.slice(0, 60)}" already exists for this user.`);
    }
    const duplicate = isOauth ? undefined : findDuplicate(record);
    if (duplicate) duplicateError(duplicate);
    members.set(record.guid, record);
    if (isOauth) {
      record.status = 'PENDING';
      issueOauthLink(c, record, skipAggregation);
    } else if (!skipAggregation) startJob(record, now(), 'CREATED');
    return json(c, { member: memberOut(record) }, 202);
  });

  route('GET', '/users/:user_guid/members', (c) => {
    const user = getUser(c);
    const useCase = c.req.query('use_case');
    if (useCase !== undefined && useCase !== 'PFM' && useCase !== 'MONEY_MOVEMENT') fail(400, '"use_case" must be PFM or MONEY_MOVEMENT.');
    const list = [...members.values()].filter(
      (member) => member.userGuid === user.guid && (useCase === undefined || (member.useCases ?? []).some((item) => item === useCase)),
    );
    for (const member of list) settle(member, now(), timing);
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { members: items.map(memberOut), pagination });
  });

  /** Resolves user + member and applies the member's institution fault, if any. */
  async function memberRequest(c: Ctx): Promise<{ member: MemberRecord } | { response: Response }> {
    const member = getMember(c, getUser(c));
    const faulted = await institutionFault(c, member.institution);
    return faulted ? { response: faulted } : { member };
  }

  route('GET', '/users/:user_guid/members/:member_guid', async (c) => {
    const found = await memberRequest(c);
    return 'response' in found ? found.response : json(c, { member: memberOut(found.member) });
  });

  route('PUT', '/users/:user_guid/members/:member_guid', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const record = found.member;
    const member = rootObject(await readBody(c), 'member');
    if (Object.keys(member).length === 0) fail(400, 'The member object cannot be empty.');
    const answers = member.credentials === undefined ? undefined : credentialAnswers(member.credentials, 'member.credentials');
    const id = optionalString(member, 'id');
    const metadata = optionalString(member, 'metadata');
    const background = optionalBoolean(member, 'background_aggregation_is_disabled');
    const skipAggregation = optionalBoolean(member, 'skip_aggregation') ?? false;
    const useCases = optionalUseCases(member);
    // Validate everything (including duplicates) before changing anything: a refused update changes nothing.
    let credentials = record.credentials;
    if (answers) {
      credentials = new Map([...record.credentials, ...checkedCredentials(record.institution, answers)]);
      const duplicate = findDuplicate({ ...record, credentials });
      if (duplicate) duplicateError(duplicate);
    }
    if (id !== undefined && [...members.values()].some((other) => other.userGuid === record.userGuid && other.id === id && other.guid !== record.guid)) {
      fail(409, `A member with id "${id.slice(0, 60)}" already exists for this user.`);
    }
    if (id !== undefined) record.id = id;
    if (metadata !== undefined) record.metadata = metadata;
    if (background !== undefined) record.backgroundAggregationIsDisabled = background;
    if (useCases !== undefined) record.useCases = useCases;
    if (answers) {
      record.credentials = credentials;
      // New credentials start a job (unless skipped), as at MX; MX Bank scenarios are switched this way.
      if (!skipAggregation && !record.isOauth) startJob(record, now(), 'UPDATED');
    }
    return json(c, { member: memberOut(record) });
  });

  route('DELETE', '/users/:user_guid/members/:member_guid', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    members.delete(found.member.guid);
    return c.body(null, 204);
  });

  route('GET', '/users/:user_guid/members/:member_guid/status', async (c) => {
    const found = await memberRequest(c);
    return 'response' in found ? found.response : json(c, { member: statusWire(found.member) });
  });

  route('GET', '/users/:user_guid/members/:member_guid/challenges', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const challenges = currentChallenges(found.member);
    if (!challenges) return c.body(null, 204);
    const { items, pagination } = paginate(challenges, c.req.query(), 1000);
    return json(c, { challenges: items.map(challengeWire), pagination });
  });

  route('PUT', '/users/:user_guid/members/:member_guid/resume', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const record = found.member;
    const member = rootObject(await readBody(c), 'member');
    const answers = credentialAnswers(member.challenges ?? fail(400, '"member.challenges" is required.'), 'member.challenges');
    if (record.status !== 'CHALLENGED') fail(405, `Member is not CHALLENGED (connection_status is ${record.status}); there is nothing to resume.`);
    const problem = resume(record, answers, now());
    if (problem?.kind === 'missing') fail(400, 'Every pending challenge must be answered in one resume request.');
    if (problem?.kind === 'unknown') fail(400, `Challenge ${problem.guid.slice(0, 60)} is not pending for this member.`);
    return json(c, { member: memberOut(record) }, 202);
  });

  route('POST', '/users/:user_guid/members/:member_guid/aggregate', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const record = found.member;
    if (record.isOauth && (record.status === 'PENDING' || record.status === 'DENIED')) {
      fail(409, 'An OAuth member must complete OAuth (oauth_window_uri) before it can aggregate.');
    }
    // A job already running (or waiting for MFA answers) is reported with 202 and nothing new starts (mx-platform §6).
    if (!isAggregating(record)) startJob(record, now(), record.status);
    return json(c, { member: memberOut(record) }, 202);
  });

  route('GET', '/users/:user_guid/members/:member_guid/credentials', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const { items, pagination } = paginate(found.member.institution.credentials, c.req.query(), 1000);
    return json(c, { credentials: items.map(credentialWire(c)), pagination });
  });

  route('GET', '/users/:user_guid/members/:member_guid/oauth_window_uri', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const record = found.member;
    if (!record.isOauth && record.status !== 'PENDING') fail(400, 'This member does not use OAuth.');
    const referral = c.req.query('referral_source');
    if (referral !== undefined && referral !== 'BROWSER' && referral !== 'APP') fail(400, '"referral_source" must be BROWSER or APP.');
    const skip = c.req.query('skip_aggregation');
    if (skip !== undefined && skip !== 'true' && skip !== 'false') fail(400, '"skip_aggregation" must be true or false.');
    const uri = issueOauthLink(c, record, skip === 'true');
    return json(c, { member: { guid: record.guid, oauth_window_uri: uri } });
  });

  // ---- accounts ----------------------------------------------------------------------------------------------------

  /** `true`/`false` query flags; "only accounts of user-managed members / manual accounts": the sandbox has neither. */
  const onlyUnemulated = (c: Ctx): boolean =>
    (['member_is_managed_by_user', 'is_manual'] as const).some((key) => {
      const value = c.req.query(key);
      if (value !== undefined && value !== 'true' && value !== 'false') fail(400, `"${key}" must be true or false.`);
      return value === 'true';
    });

  const accountsOut = (member: MemberRecord): Schemas['AccountResponse'][] => {
    const userId = users.get(member.userGuid)?.id ?? null;
    return memberAccounts(member).map((account) => accountWire(account, member, userId));
  };

  const userMembers = (user: UserRecord): MemberRecord[] => {
    const list = [...members.values()].filter((member) => member.userGuid === user.guid);
    for (const member of list) settle(member, now(), timing);
    return list;
  };

  const findAccount = (list: readonly Schemas['AccountResponse'][], guid: string | undefined): Schemas['AccountResponse'] =>
    list.find((account) => account.guid === guid) ?? fail(404, 'Account not found.');

  route('GET', '/users/:user_guid/members/:member_guid/accounts', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    const list = onlyUnemulated(c) ? [] : accountsOut(found.member);
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { accounts: items, pagination });
  });

  route('GET', '/users/:user_guid/members/:member_guid/accounts/:account_guid', async (c) => {
    const found = await memberRequest(c);
    if ('response' in found) return found.response;
    return json(c, { account: findAccount(accountsOut(found.member), c.req.param('account_guid')) });
  });

  route('GET', '/users/:user_guid/accounts', (c) => {
    const user = getUser(c);
    const useCase = c.req.query('use_case');
    if (useCase !== undefined && useCase !== 'PFM' && useCase !== 'MONEY_MOVEMENT') fail(400, '"use_case" must be PFM or MONEY_MOVEMENT.');
    const skip = onlyUnemulated(c);
    const list = skip
      ? []
      : userMembers(user)
          .filter((member) => useCase === undefined || (member.useCases ?? []).some((item) => item === useCase))
          .flatMap(accountsOut);
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { accounts: items, pagination });
  });

  route('GET', '/users/:user_guid/accounts/:account_guid', (c) => {
    const user = getUser(c);
    return json(c, { account: findAccount(userMembers(user).flatMap(accountsOut), c.req.param('account_guid')) });
  });

  // A catch-all instead of notFound(): a parent app that mounts the sandbox keeps its own notFound handler.
  app.all('*', () => {
    throw new HTTPException(404, { message: 'The requested resource was not found.' });
  });

  return app;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
