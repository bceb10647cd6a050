// Members: create, list, read, update, delete, status, aggregate and credentials, all under `/users/{user_guid}`.
// The root app's loaders have already found the user and (for `…/members/{member_guid}…`) the settled member.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';

import { jsonBody, MemberCreateBody, MemberUpdateBody } from '../bodies.ts';
import type { CatalogueInstitution } from '../catalogue.ts';
import type { Ctx, SandboxDeps, SandboxEnv } from '../context.ts';
import { applyFault, fail, getInstitution, json, memberOut, settleMember } from '../context.ts';
import { randomGuid } from '../ids.ts';
import type { JobKind, MemberRecord } from '../memberState.ts';
import { startJob, statusWire } from '../memberState.ts';
import { paginate } from '../pagination.ts';
import { credentialWire } from './institutions.ts';
import { issueOauthLink } from './oauth.ts';

/** Emulator convenience (not MX's documented body): the 409 names the existing member so a client can offer it. */
const duplicateError = (existing: MemberRecord): never => {
  throw new HTTPException(409, {
    message: `A member with these credentials already exists for this user and institution (existing member: ${existing.guid}).`,
  });
};

const sameCredentials = (a: Map<string, string>, b: Map<string, string>): boolean =>
  a.size > 0 && a.size === b.size && [...a].every(([guid, value]) => b.get(guid) === value);

function checkedCredentials(
  institution: CatalogueInstitution,
  answers: readonly { guid: string; value: string }[],
): Map<string, string> {
  const known = new Set(institution.credentials.map((credential) => credential.guid));
  for (const answer of answers) {
    if (!known.has(answer.guid))
      fail(422, `Credential ${answer.guid.slice(0, 60)} does not belong to institution ${institution.code}.`);
  }
  return new Map(answers.map((answer) => [answer.guid, answer.value]));
}

export function membersRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, now } = deps;
  const app = new Hono<SandboxEnv>();

  // Only the user's own members are compared: the per-user index keeps creation free of a scan over everyone.
  const findDuplicate = (
    candidate: Pick<MemberRecord, 'guid' | 'userGuid' | 'institution' | 'credentials'>,
  ): MemberRecord | undefined =>
    store
      .membersOf(candidate.userGuid)
      .find(
        (other) =>
          other.guid !== candidate.guid &&
          other.institution.code === candidate.institution.code &&
          sameCredentials(other.credentials, candidate.credentials),
      );

  const refuseTakenId = (userGuid: string, id: string | null | undefined, self?: string): void => {
    if (id != null && store.membersOf(userGuid).some((other) => other.id === id && other.guid !== self)) {
      fail(409, `A member with id "${id.slice(0, 60)}" already exists for this user.`);
    }
  };

  app.post('/users/:user_guid/members', jsonBody(MemberCreateBody), async (c) => {
    const user = c.get('user');
    const { member } = c.req.valid('json');
    const institution = getInstitution(
      deps,
      member.institution_code ?? fail(400, '"member.institution_code" is required.'),
    );
    const faulted = institution.fault ? await applyFault(c, deps, institution.fault) : null;
    if (faulted) return faulted;
    // is_oauth only makes an OAuth member where the institution supports OAuth; such a member sends no credentials.
    const isOauth = (member.is_oauth ?? false) && institution.supports_oauth;
    const answers = member.credentials ?? (isOauth ? [] : fail(400, '"member.credentials" is required.'));
    const skipAggregation = member.skip_aggregation ?? false;
    const id = member.id ?? null;
    const record: MemberRecord = {
      guid: randomGuid('MBR'),
      userGuid: user.guid,
      institution,
      isOauth,
      credentials: checkedCredentials(institution, answers),
      id,
      metadata: member.metadata ?? null,
      backgroundAggregationIsDisabled: member.background_aggregation_is_disabled ?? false,
      useCases: member.use_cases ?? undefined,
      status: 'CREATED',
      isAuthenticated: false,
      hasProcessedAccounts: false,
      hasProcessedTransactions: false,
      hasProcessedAccountNumbers: false,
      aggregatedAt: null,
      successfullyAggregatedAt: null,
      accountsAt: null,
      accountNumbersAt: null,
      mostRecentJobGuid: null,
      createdAt: now(),
      callbackPayload: c.req.header('X-CALLBACK-PAYLOAD') ?? null,
      oauthWindowUri: null,
      job: null,
    };
    refuseTakenId(user.guid, id);
    const duplicate = isOauth ? undefined : findDuplicate(record);
    if (duplicate) duplicateError(duplicate);
    store.addMember(record);
    if (isOauth) {
      record.status = 'PENDING';
      issueOauthLink(c, deps, record, skipAggregation);
    } else if (!skipAggregation) startJob(record, now(), 'CREATED');
    deps.events.created(record);
    return json(c, { member: memberOut(deps, record) }, 202);
  });

  app.get('/users/:user_guid/members', (c) => {
    const useCase = c.req.query('use_case');
    if (useCase !== undefined && useCase !== 'PFM' && useCase !== 'MONEY_MOVEMENT')
      fail(400, '"use_case" must be PFM or MONEY_MOVEMENT.');
    const list = store
      .membersOf(c.get('user').guid)
      .filter((member) => useCase === undefined || (member.useCases ?? []).some((item) => item === useCase));
    for (const member of list) settleMember(deps, member);
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { members: items.map((member) => memberOut(deps, member)), pagination });
  });

  app.get('/users/:user_guid/members/:member_guid', (c) => json(c, { member: memberOut(deps, c.get('member')) }));

  app.put('/users/:user_guid/members/:member_guid', jsonBody(MemberUpdateBody), (c) => {
    const record = c.get('member');
    const { member } = c.req.valid('json');
    // Validate everything (including duplicates) before changing anything: a refused update changes nothing.
    let credentials = record.credentials;
    if (member.credentials) {
      credentials = new Map([...record.credentials, ...checkedCredentials(record.institution, member.credentials)]);
      const duplicate = findDuplicate({ ...record, credentials });
      if (duplicate) duplicateError(duplicate);
    }
    refuseTakenId(record.userGuid, member.id, record.guid);
    if (member.id != null) record.id = member.id;
    if (member.metadata != null) record.metadata = member.metadata;
    if (member.background_aggregation_is_disabled != null)
      record.backgroundAggregationIsDisabled = member.background_aggregation_is_disabled;
    if (member.use_cases != null) record.useCases = member.use_cases;
    if (member.credentials) {
      record.credentials = credentials;
      // New credentials start a job (unless skipped), as at MX; MX Bank scenarios are switched this way.
      if (!(member.skip_aggregation ?? false) && !record.isOauth) {
        record.callbackPayload = c.req.header('X-CALLBACK-PAYLOAD') ?? null;
        startJob(record, now(), 'UPDATED');
      }
    }
    deps.events.updated(record);
    return json(c, { member: memberOut(deps, record) });
  });

  app.delete('/users/:user_guid/members/:member_guid', (c) => {
    store.deleteMember(c.get('member'));
    deps.events.deleted(c.get('member'));
    return c.body(null, 204);
  });

  app.get('/users/:user_guid/members/:member_guid/status', (c) => json(c, { member: statusWire(c.get('member')) }));

  /**
   * Starts a job of `kind` (mx-platform §6): a job of the same kind already running (or waiting for MFA answers) is
   * reported with 202 and nothing new starts; a job of the other kind running is a 409.
   */
  const startKind = (c: Ctx, record: MemberRecord, kind: JobKind): 'started' | 'running' => {
    if (record.isOauth && (record.status === 'PENDING' || record.status === 'DENIED')) {
      fail(409, 'An OAuth member must complete OAuth (oauth_window_uri) before it can aggregate.');
    }
    if (record.job) {
      if (record.job.kind !== kind)
        fail(409, `Another kind of job (${record.job.kind}) is already running for this member.`);
      return 'running';
    }
    record.callbackPayload = c.req.header('X-CALLBACK-PAYLOAD') ?? null;
    startJob(record, now(), record.status, kind);
    deps.events.observe(record);
    return 'started';
  };

  app.post('/users/:user_guid/members/:member_guid/aggregate', (c) => {
    const record = c.get('member');
    startKind(c, record, 'aggregation');
    return json(c, { member: memberOut(deps, record) }, 202);
  });

  // Instant account verification: a job like an aggregation that also gathers account and routing numbers. The spec
  // documents 200 for a started job; a verification already running answers 202 as MX's error guide says.
  app.post('/users/:user_guid/members/:member_guid/verify', (c) => {
    const record = c.get('member');
    if (!record.institution.supports_account_verification) {
      fail(400, "Member's institution does not support instant account verification.");
    }
    const outcome = startKind(c, record, 'verification');
    return json(c, { member: memberOut(deps, record) }, outcome === 'started' ? 200 : 202);
  });

  app.get('/users/:user_guid/members/:member_guid/credentials', (c) => {
    const { items, pagination } = paginate(c.get('member').institution.credentials, c.req.query(), 1000);
    return json(c, { credentials: items.map(credentialWire(c, deps)), pagination });
  });

  return app;
}
