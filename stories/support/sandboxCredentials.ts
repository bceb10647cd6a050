// Credential definitions straight from the sandbox app (in this page, no HTTP), parsed by the widget's own wire
// schema: field stories show exactly what the widget receives, never hand-written JSON.
import * as v from 'valibot';

import type { CredentialField } from '../../src/api/schemas';
import { CredentialsBodySchema, InstitutionsBodySchema } from '../../src/api/schemas';
import type { CredentialFieldType } from '../../src/mx/mxEnums';
import { createSandbox, MX_MEDIA_TYPE, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/server/sandbox/index';
import { SANDBOX_ORIGIN, sandboxAssetHandlers } from './sandboxAssets';

const sandbox = createSandbox();

/** MSW handlers that serve this module's sandbox pictures (site keys, logos) to the story's page. */
export const credentialAssetHandlers = sandboxAssetHandlers(sandbox);
const headers = { Accept: MX_MEDIA_TYPE, Authorization: `Basic ${btoa(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`)}` };

async function sandboxGet<T>(path: string, schema: v.GenericSchema<unknown, T>): Promise<T> {
  const response = await sandbox.request(`${SANDBOX_ORIGIN}${path}`, { headers });
  if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status}`);
  return v.parse(schema, await response.json());
}

export interface SandboxCredentialSet {
  institution: { code: string; name: string };
  credentials: CredentialField[];
}

/** Every institution's credential set, in catalogue order (the sandbox is deterministic). */
export async function sandboxCredentialSets(): Promise<SandboxCredentialSet[]> {
  const institutions = [];
  for (let page = 1, pages = 1; page <= pages; page += 1) {
    const body = await sandboxGet(`/institutions?records_per_page=100&page=${page}`, InstitutionsBodySchema);
    institutions.push(...body.institutions);
    pages = body.pagination?.totalPages ?? 1;
  }
  return Promise.all(
    institutions.map(async (institution) => ({
      institution: { code: institution.code, name: institution.name ?? institution.code },
      credentials: (await sandboxGet(`/institutions/${institution.code}/credentials`, CredentialsBodySchema))
        .credentials,
    })),
  );
}

/** The first credential of each type the sandbox serves, keyed by type. */
export async function oneCredentialPerType(): Promise<Partial<Record<CredentialFieldType, CredentialField>>> {
  const byType: Partial<Record<CredentialFieldType, CredentialField>> = {};
  for (const { credentials } of await sandboxCredentialSets()) {
    for (const credential of credentials) byType[credential.type] ??= credential;
  }
  return byType;
}
