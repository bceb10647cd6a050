// Institutions: search, favorites, one institution and its credentials (the MX API), plus the public pictures a
// browser loads from the URLs those answers carry (logos, site-key images).
import { Hono } from 'hono';

import { matchesSearch, searchOrder, searchTerm } from '../../../mx/institutionSearch.ts';
import type { CatalogueCredential, CatalogueInstitution } from '../catalogue.ts';
import { siteKeyPath } from '../catalogue.ts';
import type { Ctx, SandboxDeps, SandboxEnv, Schemas } from '../context.ts';
import { baseUrl, fail, getInstitution, json, logoUrls } from '../context.ts';
import { logoSvg } from '../logo.ts';
import { paginate } from '../pagination.ts';
import { siteKeySvg } from '../siteKeyImage.ts';

const SUPPORT_FILTERS = [
  'supports_account_identification',
  'supports_account_statement',
  'supports_account_verification',
  'supports_transaction_history',
] as const;

const countries = (c: Ctx): string[] =>
  [...(c.req.queries('iso_country_code') ?? []), ...(c.req.queries('iso_country_code[]') ?? [])]
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toUpperCase())
    .filter(Boolean);

export const institutionWire = (
  c: Ctx,
  deps: SandboxDeps,
  institution: CatalogueInstitution,
): Schemas['InstitutionResponse'] => {
  const logos = logoUrls(c, deps, institution.code);
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
export const credentialWire =
  (c: Ctx, deps: SandboxDeps) =>
  (credential: CatalogueCredential): Schemas['CredentialResponse'] => {
    const served: CatalogueCredential = credential.url?.startsWith('/')
      ? { ...credential, url: `${baseUrl(c, deps)}${credential.url}` }
      : { ...credential };
    return served;
  };

/** The MX API's institution routes (behind Basic auth). */
export function institutionsRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { catalogue } = deps;
  const app = new Hono<SandboxEnv>();

  app.get('/institutions', (c) => {
    const query = c.req.query();
    const wanted = countries(c);
    const filters = SUPPORT_FILTERS.filter((key) => {
      const value = query[key];
      if (value === undefined) return false;
      if (value !== 'true' && value !== 'false') fail(400, `"${key}" must be true or false.`);
      return value === 'true';
    });
    const term = searchTerm(query.name ?? '');
    const matches = catalogue.all.filter((institution) => {
      if (wanted.length > 0 && !wanted.includes(institution.iso_country_code)) return false;
      if (!filters.every((key) => institution[key])) return false;
      return term === '' || matchesSearch(institution, term);
    });
    const sorted = term === '' ? matches : [...matches].sort(searchOrder(term));
    const { items, pagination } = paginate(sorted, query, 100);
    return json(c, { institutions: items.map((institution) => institutionWire(c, deps, institution)), pagination });
  });

  app.get('/institutions/favorites', (c) => {
    const wanted = countries(c);
    const list = catalogue.favorites.filter(
      (institution) => wanted.length === 0 || wanted.includes(institution.iso_country_code),
    );
    const { items, pagination } = paginate(list, c.req.query(), 100);
    return json(c, { institutions: items.map((institution) => institutionWire(c, deps, institution)), pagination });
  });

  app.get('/institutions/:institution_code', (c) =>
    json(c, { institution: institutionWire(c, deps, getInstitution(deps, c.req.param('institution_code'))) }),
  );

  app.get('/institutions/:institution_code/credentials', (c) => {
    const institution = getInstitution(deps, c.req.param('institution_code'));
    const { items, pagination } = paginate(institution.credentials, c.req.query(), 1000);
    return json(c, { credentials: items.map(credentialWire(c, deps)), pagination });
  });

  return app;
}

export const asset = (c: Ctx, body: string, type: string): Response =>
  c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });

/** Public pictures (no Basic auth: a browser's <img> loads them). */
export function institutionAssetRoutes({ catalogue }: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/logos/:file', (c) => {
    const match = /^(.+)_(50|100)\.svg$/.exec(c.req.param('file'));
    const institution = match && catalogue.byCode.get(match[1] ?? '');
    if (!match || !institution) return fail(404, 'Logo not found.');
    return asset(c, logoSvg(institution.name, institution.colour, Number(match[2])), 'image/svg+xml');
  });

  app.get('/sitekeys/:file', (c) => {
    const code = /^(.+)\.svg$/.exec(c.req.param('file'))?.[1] ?? '';
    const institution = catalogue.byCode.get(code);
    // Only institutions whose credentials name this picture have one.
    if (!institution?.credentials.some((credential) => credential.url === siteKeyPath(code)))
      return fail(404, 'Image not found.');
    return asset(c, siteKeySvg(institution.name, institution.colour), 'image/svg+xml');
  });

  return app;
}
