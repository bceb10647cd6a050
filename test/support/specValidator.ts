// Validates requests and responses against MX's OpenAPI spec (../shared/spec/v20111101.yml) with openapi-backend, a
// maintained OpenAPI validator (Ajv underneath). Reusable by every test that talks MX's wire format.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Document } from 'openapi-backend';
import { OpenAPIBackend } from 'openapi-backend';
import { parse } from 'yaml';

import { MX_MEDIA_TYPE } from '../../src/mx/mxMediaType.ts';

export const SPEC_PATH = path.resolve(import.meta.dirname, '../../../shared/spec/v20111101.yml');

export interface SpecRequest {
  method: string;
  /** Path as MX sees it, e.g. `/users/USR-1/members` (no mount prefix, no query). */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SpecValidator {
  /** The operationId the spec gives this method + path, or undefined when the spec has no such operation. */
  operationId(method: string, path: string): string | undefined;
  /** Problems with a request (parameters and JSON body); empty when it conforms. */
  requestErrors(request: SpecRequest): string[];
  /** Problems with a response body for this operation and status; empty when it conforms. */
  responseErrors(operationId: string, status: number, body: unknown): string[];
  /**
   * Validates a real exchange: finds the operation from the request URL (minus `prefix`), checks that the status is
   * documented, the Content-Type is MX's, and the JSON body matches the schema. Returns the problems.
   */
  exchangeErrors(
    request: Request,
    response: Response,
    options?: { prefix?: string; requestBody?: unknown },
  ): Promise<string[]>;
}

/**
 * openapi-backend only reads `application/json` schemas, and MX's responses are `application/vnd.mx.api.v1+json`:
 * expose each vendor-typed schema under `application/json` too, so the validator actually checks it.
 */
function withJsonAliases(definition: Record<string, unknown>): Document {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const content = record.content as Record<string, unknown> | undefined;
    if (content && typeof content === 'object' && content[MX_MEDIA_TYPE] && !content['application/json']) {
      content['application/json'] = content[MX_MEDIA_TYPE];
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return definition as unknown as Document;
}

const format = (
  errors: readonly { instancePath?: string; message?: string; params?: unknown }[] | null | undefined,
): string[] =>
  (errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'invalid'} ${JSON.stringify(error.params ?? {})}`,
  );

export interface SpecValidatorOptions {
  /**
   * Close every object schema (`additionalProperties: false`), so a misspelled or invented field is reported too.
   * MX's schemas are open, so without this only missing-required and wrong-typed fields are caught.
   */
  closed?: boolean;
  /** Extra properties allowed on named component schemas when `closed` (e.g. the sandbox's documented extras). */
  extensions?: Record<string, Record<string, unknown>>;
}

/**
 * Fields the sandbox adds to MX's credential schema (docs/sandbox.md): `options` as Atrium documents it, and the
 * data a widget needs to render IMAGE_DATA, URL/CONTENT_URL/IMAGE_URL and HIDDEN credentials.
 */
export const SANDBOX_EXTENSIONS: Record<string, Record<string, unknown>> = {
  CredentialResponse: {
    options: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['guid', 'label', 'value'],
        properties: {
          guid: { type: 'string' },
          label: { type: 'string' },
          value: { type: 'string' },
          data_uri: { type: 'string' },
        },
      },
    },
    image_data: { type: 'string' },
    url: { type: 'string' },
    value: { type: 'string' },
  },
  // v20111101 types it as boolean, yet its own example is "JOB-…" and MX sends the job's guid (a spec bug).
  MemberResponse: { most_recent_job_guid: { type: 'string', nullable: true } },
};

function closeObjects(definition: Record<string, unknown>, extensions: Record<string, Record<string, unknown>>): void {
  const schemas = ((definition.components as Record<string, unknown>).schemas ?? {}) as Record<
    string,
    Record<string, unknown>
  >;
  for (const [name, extra] of Object.entries(extensions)) {
    const schema = schemas[name];
    if (schema) schema.properties = { ...(schema.properties as Record<string, unknown>), ...extra };
  }
  // Closing each branch of an allOf would make every branch refuse the others' fields: merge the branches into one
  // object schema first (a $ref branch is read from components), then close that.
  const deref = (node: Record<string, unknown>): Record<string, unknown> =>
    typeof node.$ref === 'string' ? (schemas[node.$ref.replace('#/components/schemas/', '')] ?? node) : node;
  const flatten = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(flatten);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    Object.values(record).forEach(flatten);
    if (!Array.isArray(record.allOf)) return;
    const branches = (record.allOf as Record<string, unknown>[]).map(deref);
    if (!branches.every((branch) => branch.properties !== undefined || branch.type === 'object')) return;
    record.type = 'object';
    record.properties = Object.assign({}, ...branches.map((branch) => branch.properties ?? {}));
    const required = branches.flatMap((branch) =>
      Array.isArray(branch.required) ? (branch.required as string[]) : [],
    );
    if (required.length > 0) record.required = required;
    delete record.allOf;
  };
  flatten(schemas);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.properties === 'object' && record.additionalProperties === undefined)
      record.additionalProperties = false;
    Object.values(record).forEach(visit);
  };
  visit(schemas);
  const paths = definition.paths as Record<string, unknown>;
  visit(paths);
}

const shared = new Map<string, Promise<SpecValidator>>();

/** One validator per options per test process (parsing the 8,500-line spec takes a moment). */
export function getSpecValidator(options: SpecValidatorOptions = {}): Promise<SpecValidator> {
  const key = JSON.stringify(options);
  let validator = shared.get(key);
  if (!validator) {
    validator = createSpecValidator(options);
    shared.set(key, validator);
  }
  return validator;
}

export async function createSpecValidator(options: SpecValidatorOptions = {}): Promise<SpecValidator> {
  const source = parse(readFileSync(SPEC_PATH, 'utf8')) as Record<string, unknown>;
  if (options.closed) closeObjects(source, options.extensions ?? {});
  const definition = withJsonAliases(source);
  const api = new OpenAPIBackend({
    definition,
    validate: true,
    quick: true,
    strict: false,
    ajvOpts: { strict: false, allErrors: true },
  });
  await api.init(); // quick: validators compile lazily, per operation used

  const operationId = (method: string, pathname: string): string | undefined =>
    api.router.matchOperation({ method: method.toLowerCase(), path: pathname, headers: {} })?.operationId;

  const documentedStatuses = (id: string): string[] => Object.keys(api.getOperation(id)?.responses ?? {});

  const validator: SpecValidator = {
    operationId,
    requestErrors(request) {
      const id = operationId(request.method, request.path);
      if (!id) return [`no operation in the spec for ${request.method} ${request.path}`];
      const result = api.validator.validateRequest(
        {
          method: request.method.toLowerCase(),
          path: request.path,
          query: request.query ?? {},
          headers: { accept: MX_MEDIA_TYPE, 'content-type': 'application/json', ...request.headers },
          body: request.body,
        },
        id,
      );
      return result.valid ? [] : format(result.errors);
    },
    responseErrors(id, status, body) {
      const result = api.validator.validateResponse(body, id, status);
      return result.valid ? [] : format(result.errors);
    },
    async exchangeErrors(request, response, options = {}) {
      const url = new URL(request.url);
      const prefix = options.prefix ?? '';
      const pathname = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
      const id = operationId(request.method, pathname);
      if (!id) return [`no operation in the spec for ${request.method} ${pathname}`];
      const problems: string[] = [];
      const statuses = documentedStatuses(id);
      // The spec documents only successes; MX's error bodies ({error:{message}}) are checked by the callers' tests.
      if (response.status < 400 && !statuses.includes(String(response.status))) {
        // GET …/challenges answers 204 when not challenged: the spec's description says so, its responses list omits it.
        const documentedInText = response.status === 204 && id === 'listMemberChallenges';
        if (!documentedInText)
          problems.push(`${id}: status ${response.status} is not documented (${statuses.join(', ')})`);
      }
      if (response.status >= 400 || response.status === 204) return problems;
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith(MX_MEDIA_TYPE)) problems.push(`${id}: Content-Type "${type}" is not ${MX_MEDIA_TYPE}`);
      let body: unknown;
      try {
        body = await response.clone().json();
      } catch {
        return [...problems, `${id}: body is not JSON`];
      }
      problems.push(...validator.responseErrors(id, response.status, body).map((problem) => `${id}: ${problem}`));
      if (options.requestBody !== undefined) {
        const query: Record<string, string[]> = {};
        url.searchParams.forEach((value, key) => {
          (query[key] ??= []).push(value);
        });
        problems.push(
          ...validator
            .requestErrors({ method: request.method, path: pathname, body: options.requestBody })
            .map((problem) => `${id} request: ${problem}`),
        );
      }
      return problems;
    },
  };
  return validator;
}
