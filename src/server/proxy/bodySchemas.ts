import * as v from 'valibot';

import { INSTITUTION_CODE_PATTERN, ITEM_GUID_PATTERN } from './patterns.ts';
import type { BodyKind } from './proxyRoutes.ts';

/** Which partner-owned member fields the browser may set (MX `id` and `metadata`); both off by default. */
export interface MemberFieldOptions {
  id?: boolean;
  metadata?: boolean;
}

// Generous for any real answer, small enough that nothing else hides in a value.
const MAX_VALUE_LENGTH = 1024;
const MAX_ITEMS = 50;

const answer = v.strictObject({
  guid: v.pipe(v.string(), v.regex(ITEM_GUID_PATTERN)),
  value: v.pipe(v.string(), v.maxLength(MAX_VALUE_LENGTH)),
});
// An OAuth member is created with no credentials; the widget may send an empty list for it.
const credentials = v.pipe(v.array(answer), v.maxLength(MAX_ITEMS));
const challengeAnswers = v.pipe(v.array(answer), v.minLength(1), v.maxLength(MAX_ITEMS));

function partnerFields(allowed: MemberFieldOptions): v.ObjectEntries {
  const entries: v.ObjectEntries = {};
  if (allowed.id === true) entries.id = v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256)));
  if (allowed.metadata === true) entries.metadata = v.optional(v.pipe(v.string(), v.maxLength(4096)));
  return entries;
}

/**
 * Strict valibot schemas of the three request bodies the proxy accepts. Every object is strict: an unknown key anywhere
 * is a 400, never silently dropped, so a misbehaving or hostile client is seen rather than half-served.
 */
export function createBodySchemas(allowed: MemberFieldOptions) {
  const createMember = v.strictObject({
    member: v.strictObject({
      institution_code: v.pipe(v.string(), v.regex(INSTITUTION_CODE_PATTERN)),
      credentials: v.optional(credentials),
      skip_aggregation: v.optional(v.boolean()),
      is_oauth: v.optional(v.boolean()),
      ...partnerFields(allowed),
    }),
    // The widget runs in a browser: `APP` (and its redirect URL) belongs to native apps (mx-platform §8).
    referral_source: v.optional(v.picklist(['BROWSER'])),
  });
  const updateMember = v.strictObject({
    member: v.pipe(
      v.strictObject({
        credentials: v.optional(credentials),
        skip_aggregation: v.optional(v.boolean()),
        ...partnerFields(allowed),
      }),
      // MX refuses an empty member object; say so here rather than spend an upstream call.
      v.check((member) => Object.keys(member).length > 0, 'must not be empty'),
    ),
  });
  const resume = v.strictObject({ member: v.strictObject({ challenges: challengeAnswers }) });
  return { createMember, updateMember, resume } satisfies Record<Exclude<BodyKind, 'none'>, v.GenericSchema>;
}

export type BodySchemas = ReturnType<typeof createBodySchemas>;

/**
 * A 400 message for the first issue that names where the problem is and never what was sent: the input may be a
 * password or an MFA answer.
 */
export function describeBodyIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (issue === undefined) return 'Invalid request body.';
  const path = (issue.path ?? [])
    .map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${safeKey(item.key)}`))
    .join('')
    .replace(/^\./, '');
  const where = path === '' ? 'the body' : `\`${path}\``;
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    return `Invalid request body: unexpected field ${where}.`;
  }
  if (issue.received === 'undefined') return `Invalid request body: ${where} is required.`;
  if (issue.type === 'regex') return `Invalid request body: ${where} has an invalid format.`;
  if (issue.type === 'max_length') return `Invalid request body: ${where} is too long.`;
  if (issue.type === 'min_length') return `Invalid request body: ${where} is too short.`;
  if (issue.type === 'check') return `Invalid request body: ${where} ${issue.message}.`;
  // `expected` is built by valibot from our schema (type names, picklist options, lengths), never from the input.
  const expected = (issue.expected ?? '').replace(/[^A-Za-z0-9 "|_!=<>-]/g, '');
  return `Invalid request body: ${where} must be ${expected === '' ? 'valid' : expected}.`;
}

function safeKey(key: unknown): string {
  return typeof key === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(key) ? key : '?';
}
