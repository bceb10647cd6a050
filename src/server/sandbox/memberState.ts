// Members and their aggregation jobs. Nothing runs on a timer: every request first calls `settle(member, now)`,
// which replays the phases that have elapsed since the last request, so the same code runs in Node, jsdom and a
// service worker, and tests move time with an injected clock.
import type { components } from '../../mx/mxTypes.generated.ts';
import type { CatalogueInstitution } from './catalogue.ts';
import { isUserEntered, MXBANK_CODE, MXBANK_USERNAME } from './catalogue.ts';
import { randomGuid } from './ids.ts';
import type { ChallengeTemplate, ConnectionStatus, Scenario } from './scenarios.ts';
import { CORRECT_ANSWER, CORRECT_TOKEN, errorPasswordOutcome, scenarioForValue, statusMessage } from './scenarios.ts';

type MemberResponse = components['schemas']['MemberResponse'];
type MemberStatusResponse = components['schemas']['MemberStatusResponse'];
type ChallengeResponse = components['schemas']['ChallengeResponse'];

export interface Timing {
  readonly aggregationMs: number;
  readonly challengeExpiryMs: number;
}

export interface LiveChallenge {
  readonly guid: string;
  readonly template: ChallengeTemplate;
  /** Option guids, parallel to `template.options`. */
  readonly optionGuids: readonly string[];
}

/** What a resume decided; applied when the RESUMED phase ends. */
type ResumeOutcome = { kind: 'next-round' } | { kind: 'connect' } | { kind: 'end'; status: ConnectionStatus };

type Phase =
  | { name: 'authenticating' }
  | { name: 'slow' }
  | { name: 'processing' }
  | { name: 'challenged'; round: number; challenges: readonly LiveChallenge[] }
  | { name: 'resumed'; round: number; outcome: ResumeOutcome };

/** An ordinary aggregation, or a verification job (MX's `POST …/verify`), which also gathers account numbers. */
export type JobKind = 'aggregation' | 'verification';

interface Job {
  readonly kind: JobKind;
  readonly scenario: Scenario;
  phase: Phase;
  phaseStartedAt: number;
}

export interface MemberRecord {
  readonly guid: string;
  readonly userGuid: string;
  readonly institution: CatalogueInstitution;
  readonly isOauth: boolean;
  /** credential guid → value. Kept only to pick the scenario and detect duplicates; never logged or echoed. */
  credentials: Map<string, string>;
  id: string | null;
  metadata: string | null;
  backgroundAggregationIsDisabled: boolean;
  useCases: ('MONEY_MOVEMENT' | 'PFM')[] | undefined;
  status: ConnectionStatus;
  isAuthenticated: boolean;
  hasProcessedAccounts: boolean;
  hasProcessedTransactions: boolean;
  hasProcessedAccountNumbers: boolean;
  aggregatedAt: number | null;
  successfullyAggregatedAt: number | null;
  /** When the member's accounts first appeared (halfway through its first successful job); null until then. */
  accountsAt: number | null;
  /** When a verification job first gathered the account and routing numbers; null until then. */
  accountNumbersAt: number | null;
  /** The guid of the latest job (`JOB-…`), as MX's `most_recent_job_guid`; null before the first. */
  mostRecentJobGuid: string | null;
  readonly createdAt: number;
  /** The X-CALLBACK-PAYLOAD of the request that started the latest job, echoed in webhooks as MX does. */
  callbackPayload: string | null;
  oauthWindowUri: string | null;
  job: Job | null;
}

const NEEDS_CREDENTIALS: ReadonlySet<ConnectionStatus> = new Set(['DENIED', 'PREVENTED', 'IMPAIRED', 'IMPORTED']);

/** How long a transient status password (DELAYED, …) holds its status, in aggregation phases. */
const SLOW_PHASES = 3;

/** The scenario the member's current credentials select. */
export function scenarioFor(member: Pick<MemberRecord, 'institution' | 'credentials'>): Scenario {
  const { institution, credentials } = member;
  const missing = institution.credentials.some(
    (credential) => isUserEntered(credential.type) && !(credentials.get(credential.guid) ?? '').trim(),
  );
  if (missing) return { kind: 'end', status: 'IMPAIRED' };
  if (institution.code === MXBANK_CODE) {
    const [login, password] = institution.credentials;
    // MX Bank only knows `mxuser`; any other username is refused like a wrong password at a real bank.
    if (credentials.get(login?.guid ?? '') !== MXBANK_USERNAME) {
      return { kind: 'end', status: 'DENIED', reason: 'The login and/or password are invalid.' };
    }
    return scenarioForValue(credentials.get(password?.guid ?? '') ?? '') ?? { kind: 'connect' };
  }
  for (const credential of institution.credentials) {
    const scenario = scenarioForValue(credentials.get(credential.guid) ?? '');
    if (scenario) return scenario;
  }
  return { kind: 'connect' };
}

/** Starts an aggregation job now. The status shown until the login is answered is `initialStatus`. */
export function startJob(
  member: MemberRecord,
  now: number,
  initialStatus: ConnectionStatus,
  kind: JobKind = 'aggregation',
): void {
  member.job = { kind, scenario: scenarioFor(member), phase: { name: 'authenticating' }, phaseStartedAt: now };
  member.mostRecentJobGuid = randomGuid('JOB');
  member.status = initialStatus;
  member.aggregatedAt = now;
  member.isAuthenticated = false;
  member.hasProcessedAccounts = false;
  member.hasProcessedTransactions = false;
  member.hasProcessedAccountNumbers = false;
}

/** An authenticated member (OAuth consent given) starts processing its accounts straight away. */
export function startProcessing(member: MemberRecord, now: number): void {
  member.job = {
    kind: 'aggregation',
    scenario: { kind: 'connect' },
    phase: { name: 'processing' },
    phaseStartedAt: now,
  };
  member.mostRecentJobGuid = randomGuid('JOB');
  member.status = 'CONNECTED';
  member.aggregatedAt = now;
  member.isAuthenticated = true;
  member.hasProcessedAccounts = false;
  member.hasProcessedTransactions = false;
  member.hasProcessedAccountNumbers = false;
}

export function isAggregating(member: MemberRecord): boolean {
  return member.job !== null;
}

function finish(member: MemberRecord, status: ConnectionStatus, at: number): void {
  const kind = member.job?.kind;
  member.status = status;
  member.job = null;
  if (status === 'CONNECTED') {
    if (kind === 'verification') member.accountNumbersAt ??= at;
    member.hasProcessedAccounts = true;
    member.hasProcessedAccountNumbers = true;
    member.hasProcessedTransactions = true;
    member.successfullyAggregatedAt = at;
    member.accountsAt ??= at;
  }
}

function liveChallenges(templates: readonly ChallengeTemplate[]): LiveChallenge[] {
  return templates.map((template) => ({
    guid: randomGuid('CRD'),
    template,
    optionGuids: (template.options ?? []).map(() => randomGuid('CRD')),
  }));
}

function enterRound(member: MemberRecord, job: Job, round: number, at: number): void {
  if (job.scenario.kind !== 'mfa') return;
  const templates = job.scenario.rounds[round] ?? [];
  job.phase = { name: 'challenged', round, challenges: liveChallenges(templates) };
  job.phaseStartedAt = at;
  member.status = 'CHALLENGED';
}

function connect(member: MemberRecord, job: Job, at: number): void {
  member.status = 'CONNECTED';
  member.isAuthenticated = true;
  job.phase = { name: 'processing' };
  job.phaseStartedAt = at;
}

/**
 * Replays every phase that has ended by `now`. `onStep` runs after each phase change, so an observer (webhooks) sees
 * every intermediate state even when nobody asked for hours.
 */
export function settle(member: MemberRecord, now: number, timing: Timing, onStep?: () => void): void {
  const { aggregationMs } = timing;
  for (let guard = 0; guard < 64 && member.job; guard += 1) {
    const job: Job = member.job;
    const phase = job.phase;
    const endsAt = nextPhaseEnd(member, timing) ?? now;
    // Halfway through processing, accounts and account numbers are in; transactions come at the end.
    if (phase.name === 'processing' && now >= job.phaseStartedAt + aggregationMs / 2) {
      member.hasProcessedAccounts = true;
      member.hasProcessedAccountNumbers = true;
      member.accountsAt ??= job.phaseStartedAt + aggregationMs / 2;
      if (job.kind === 'verification') member.accountNumbersAt ??= job.phaseStartedAt + aggregationMs / 2;
    }
    if (now < endsAt) return;
    switch (phase.name) {
      case 'authenticating': {
        const scenario = job.scenario;
        if (scenario.kind === 'connect') connect(member, job, endsAt);
        else if (scenario.kind === 'end') finish(member, scenario.status, endsAt);
        else if (scenario.kind === 'slow') {
          member.status = scenario.status;
          job.phase = { name: 'slow' };
          job.phaseStartedAt = endsAt;
        } else enterRound(member, job, 0, endsAt);
        break;
      }
      case 'slow':
        connect(member, job, endsAt);
        break;
      case 'processing':
        finish(member, 'CONNECTED', endsAt);
        break;
      case 'challenged':
        finish(member, 'EXPIRED', endsAt);
        break;
      case 'resumed': {
        const { outcome, round } = phase;
        if (outcome.kind === 'next-round') enterRound(member, job, round + 1, endsAt);
        else if (outcome.kind === 'connect') connect(member, job, endsAt);
        else finish(member, outcome.status, endsAt);
        break;
      }
    }
    onStep?.();
  }
}

/** When the running job's current phase ends (the next change of status), or null when no job runs. */
export function nextPhaseEnd(member: MemberRecord, timing: Timing): number | null {
  const job = member.job;
  if (!job) return null;
  const phase = job.phase.name;
  const duration =
    phase === 'challenged'
      ? timing.challengeExpiryMs
      : phase === 'slow'
        ? timing.aggregationMs * SLOW_PHASES
        : timing.aggregationMs;
  return job.phaseStartedAt + duration;
}

export function currentChallenges(member: MemberRecord): readonly LiveChallenge[] | null {
  const phase = member.job?.phase;
  return phase?.name === 'challenged' ? phase.challenges : null;
}

export type ResumeError = { kind: 'missing'; guid: string } | { kind: 'unknown'; guid: string };

/**
 * Answers every pending challenge at once. Returns an error when an answer is missing or names no pending challenge
 * (a 400); otherwise the member moves to RESUMED and the verdict applies one phase later.
 */
export function resume(
  member: MemberRecord,
  answers: readonly { guid: string; value: string }[],
  now: number,
): ResumeError | null {
  const job = member.job;
  const phase = job?.phase;
  if (!job || phase?.name !== 'challenged' || job.scenario.kind !== 'mfa') throw new Error('member is not challenged');
  const byGuid = new Map(answers.map((answer) => [answer.guid, answer.value]));
  for (const answer of answers) {
    if (!phase.challenges.some((challenge) => challenge.guid === answer.guid))
      return { kind: 'unknown', guid: answer.guid };
  }
  let outcome: ResumeOutcome | null = null;
  let allCorrect = true;
  for (const challenge of phase.challenges) {
    const value = byGuid.get(challenge.guid);
    if (value === undefined) return { kind: 'missing', guid: challenge.guid };
    const failure = errorPasswordOutcome(value);
    if (failure && !outcome) outcome = { kind: 'end', status: failure.status };
    if (!isCorrect(challenge, value)) allCorrect = false;
  }
  if (!outcome) {
    const lastRound = phase.round + 1 >= job.scenario.rounds.length;
    outcome = !allCorrect
      ? { kind: 'end', status: 'REJECTED' }
      : lastRound
        ? { kind: 'connect' }
        : { kind: 'next-round' };
  }
  job.phase = { name: 'resumed', round: phase.round, outcome };
  job.phaseStartedAt = now;
  member.status = 'RESUMED';
  return null;
}

function isCorrect({ template, optionGuids }: LiveChallenge, value: string): boolean {
  if (template.options) {
    // OPTIONS / IMAGE_OPTIONS: MX's docs leave the answer format open; accept the option's value or its guid.
    return template.options.some(
      (option, index) => option.correct && (option.value === value || optionGuids[index] === value),
    );
  }
  if (template.type === 'TOKEN') return value === CORRECT_TOKEN || value === CORRECT_ANSWER;
  return value === CORRECT_ANSWER;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function challengeWire({ guid, template, optionGuids }: LiveChallenge): ChallengeResponse {
  const wire: ChallengeResponse = { guid, field_name: template.field_name, label: template.label, type: template.type };
  if (template.image_data) wire.image_data = template.image_data;
  if (template.type === 'OPTIONS') {
    wire.options = (template.options ?? []).map((option, index) => ({
      guid: optionGuids[index] ?? null,
      label: option.label,
      value: option.value,
    }));
  }
  if (template.type === 'IMAGE_OPTIONS') {
    wire.image_options = (template.options ?? []).map((option, index) => ({
      guid: optionGuids[index] ?? null,
      label: option.label,
      value: option.value,
      data_uri: option.image ?? null,
    }));
  }
  return wire;
}

/** MX's member object; `most_recent_job_guid` is the string MX sends, not the boolean v20111101 types it as. */
export type MemberWire = Omit<MemberResponse, 'most_recent_job_guid'> & { most_recent_job_guid: string | null };

export function memberWire(member: MemberRecord, userId: string | null): MemberWire {
  const wire: MemberWire = {
    aggregated_at: iso(member.aggregatedAt),
    background_aggregation_is_disabled: member.backgroundAggregationIsDisabled,
    connection_status: member.status,
    connection_status_message: statusMessage(member.status, member.institution.name),
    guid: member.guid,
    id: member.id,
    institution_code: member.institution.code,
    institution_guid: member.institution.guid,
    is_being_aggregated: isAggregating(member),
    is_managed_by_user: false,
    is_manual: false,
    is_oauth: member.isOauth,
    metadata: member.metadata,
    most_recent_job_detail_code: null,
    most_recent_job_detail_text: null,
    // v20111101 types this field as boolean (a spec bug: its own example is "JOB-…"); MX sends the job's guid.
    most_recent_job_guid: member.mostRecentJobGuid,
    name: member.institution.name,
    needs_updated_credentials: NEEDS_CREDENTIALS.has(member.status),
    oauth_window_uri: member.status === 'PENDING' ? member.oauthWindowUri : null,
    successfully_aggregated_at: iso(member.successfullyAggregatedAt),
    user_guid: member.userGuid,
    user_id: userId,
  };
  if (member.useCases) wire.use_cases = member.useCases;
  return wire;
}

export function statusWire(member: MemberRecord): MemberStatusResponse {
  const wire: MemberStatusResponse = {
    aggregated_at: iso(member.aggregatedAt),
    connection_status: member.status,
    guid: member.guid,
    has_processed_account_numbers: member.hasProcessedAccountNumbers,
    has_processed_accounts: member.hasProcessedAccounts,
    has_processed_transactions: member.hasProcessedTransactions,
    is_authenticated: member.isAuthenticated,
    is_being_aggregated: isAggregating(member),
    successfully_aggregated_at: iso(member.successfullyAggregatedAt),
  };
  const challenges = currentChallenges(member);
  if (challenges) wire.challenges = challenges.map(challengeWire);
  return wire;
}
