// MX request bodies as valibot schemas, and the middleware that reads one. Every body is wrapped in its root key
// (`{"user": {…}}`, `{"member": {…}}`); fields are optional unless the handler says otherwise (MX's required fields
// depend on the member, e.g. an OAuth member sends no credentials), and a wrong type is a 400 naming the field.
import type { MiddlewareHandler } from 'hono';
import * as v from 'valibot';

import type { SandboxEnv } from './context.ts';
import { fail } from './context.ts';

const optionalString = (key: string) => v.nullish(v.string(`"${key}" must be a string.`));
const optionalBoolean = (key: string) => v.nullish(v.boolean(`"${key}" must be a boolean.`));

const answers = (key: string) => {
  const entry = `Each entry of "${key}" must have a string "guid" and a string "value".`;
  return v.array(
    v.object({ guid: v.string(entry), value: v.string(entry) }, entry),
    `"${key}" must be an array of {guid, value}.`,
  );
};

const USE_CASES = '"use_cases" must be an array of "PFM" and/or "MONEY_MOVEMENT".';
const useCases = v.nullish(v.array(v.picklist(['PFM', 'MONEY_MOVEMENT'], USE_CASES), USE_CASES));

/** `{ [key]: {...entries} }`, where the inner object must be an object (and, for updates, not empty). */
const rooted = <const K extends string, const E extends v.ObjectEntries>(key: K, entries: E, nonEmpty: boolean) => {
  const inner = v.looseObject(entries, `The request body must contain a "${key}" object.`);
  return v.object({
    [key]: nonEmpty
      ? v.pipe(
          inner,
          v.check((value) => Object.keys(value).length > 0, `The ${key} object cannot be empty.`),
        )
      : inner,
  } as { [P in K]: typeof inner });
};

const userFields = {
  id: optionalString('id'),
  email: optionalString('email'),
  is_disabled: optionalBoolean('is_disabled'),
  metadata: optionalString('metadata'),
};

/** `POST /users` and `PUT /users/{guid}`: `{"user": {id?, email?, is_disabled?, metadata?}}`, not empty. */
export const UserBody = rooted('user', userFields, true);

/** `POST /users/{guid}/members` (MemberCreateRequestBody). */
export const MemberCreateBody = v.object({
  ...rooted(
    'member',
    {
      institution_code: optionalString('institution_code'),
      credentials: v.nullish(answers('member.credentials')),
      id: optionalString('id'),
      metadata: optionalString('metadata'),
      is_oauth: optionalBoolean('is_oauth'),
      skip_aggregation: optionalBoolean('skip_aggregation'),
      background_aggregation_is_disabled: optionalBoolean('background_aggregation_is_disabled'),
      use_cases: useCases,
    },
    false,
  ).entries,
  referral_source: v.nullish(v.picklist(['BROWSER', 'APP'], '"referral_source" must be BROWSER or APP.')),
});

/** `PUT /users/{guid}/members/{guid}` (MemberUpdateRequestBody), not empty. */
export const MemberUpdateBody = rooted(
  'member',
  {
    credentials: v.nullish(answers('member.credentials')),
    id: optionalString('id'),
    metadata: optionalString('metadata'),
    skip_aggregation: optionalBoolean('skip_aggregation'),
    background_aggregation_is_disabled: optionalBoolean('background_aggregation_is_disabled'),
    use_cases: useCases,
  },
  true,
);

/** `PUT …/resume` (MemberResumeRequestBody): every pending challenge answered at once. */
export const ResumeBody = rooted('member', { challenges: v.nullish(answers('member.challenges')) }, false);

/** The OAuth consent page's form. Anything missing or odd reads as "no session", which answers the expired page. */
export const DecisionForm = v.object({
  session: v.fallback(v.string(), ''),
  opener_origin: v.fallback(v.optional(v.string()), undefined),
  decision: v.fallback(v.string(), ''),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the JSON body whatever its Content-Type (as MX does; Hono's own json validator would skip a body sent without
 * one) and validates it; handlers read it with `c.req.valid('json')`.
 */
export const jsonBody =
  <S extends v.GenericSchema>(
    schema: S,
  ): MiddlewareHandler<SandboxEnv, string, { in: { json: v.InferInput<S> }; out: { json: v.InferOutput<S> } }> =>
  async (c, next) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await c.req.text());
    } catch {
      return fail(400, 'The request body is not valid JSON.');
    }
    if (!isObject(parsed)) return fail(400, 'The request body must be a JSON object.');
    const result = v.safeParse(schema, parsed, { abortEarly: true });
    if (!result.success) return fail(400, result.issues[0].message);
    c.req.addValidatedData('json', result.output as object);
    await next();
  };
