// Institutions: search, filters, MX's records_per_page rules and other pagination edges, favorites, read,
// credentials covering every credential type, logos and site-key pictures served by the sandbox under its mount prefix.
import { describe, expect, it } from 'vitest';

import { createSandbox, CREDENTIAL_TYPES } from '../../../src/server/sandbox/index.ts';
import { AUTH, createHarness, MX_ACCEPT, ORIGIN, PREFIX } from './harness.ts';

interface Institution {
  code: string;
  name: string;
  iso_country_code: string;
  supports_oauth: boolean;
  supports_account_verification: boolean;
  small_logo_url: string;
  medium_logo_url: string;
}

describe('institution search', () => {
  it('finds MX Bank by "mx bank", "mxbank" and "MX", substring and case-insensitive', async () => {
    const h = createHarness();
    for (const name of ['mx bank', 'mxbank', 'MX', 'x Ba']) {
      const reply = await h.call('GET', `/institutions?name=${encodeURIComponent(name)}`);
      expect(
        reply.body.institutions.map((i: Institution) => i.code),
        name,
      ).toContain('mxbank');
    }
    const none = await h.call('GET', '/institutions?name=zzzz-no-such');
    expect(none.body).toEqual({
      institutions: [],
      pagination: { current_page: 1, per_page: 25, total_entries: 0, total_pages: 0 },
    });
  });

  it('has several hundred fictional institutions and finds the fault institutions by name', async () => {
    const h = createHarness();
    const all = await h.call('GET', '/institutions?records_per_page=100');
    expect(all.body.pagination.total_entries).toBeGreaterThanOrEqual(300);
    const faults = await h.call('GET', '/institutions?name=fault');
    expect(faults.body.institutions.map((i: Institution) => i.code).sort()).toEqual([
      'fault_429_bank',
      'fault_500_bank',
      'fault_503_bank',
      'fault_delay_bank',
      'fault_drop_bank',
      'fault_malformed_bank',
    ]);
  });

  it('filters by iso_country_code (repeated or [] form) and supports_* flags', async () => {
    const h = createHarness();
    const ca = await h.call('GET', '/institutions?iso_country_code=CA&records_per_page=100');
    expect(ca.body.institutions.length).toBeGreaterThan(0);
    expect(ca.body.institutions.every((i: Institution) => i.iso_country_code === 'CA')).toBe(true);
    const caMx = await h.call('GET', '/institutions?iso_country_code[]=CA&iso_country_code[]=MX&records_per_page=100');
    expect(new Set(caMx.body.institutions.map((i: Institution) => i.iso_country_code))).toEqual(new Set(['CA', 'MX']));
    const verified = await h.call('GET', '/institutions?supports_account_verification=true&records_per_page=100');
    expect(verified.body.institutions.every((i: Institution) => i.supports_account_verification)).toBe(true);
    const all = await h.call('GET', '/institutions');
    expect(verified.body.pagination.total_entries).toBeLessThan(all.body.pagination.total_entries);
    expect((await h.call('GET', '/institutions?supports_account_verification=maybe')).status).toBe(400);
  });
});

describe('pagination (MX rules)', () => {
  // [records_per_page as sent, per_page MX uses] for /institutions (10..100, over 100 → 25)
  const institutionCases: [string, number][] = [
    ['', 25],
    ['10', 10],
    ['100', 100],
    ['101', 25],
    ['1000', 25],
    ['9', 10],
    ['1', 10],
  ];
  it.each(institutionCases)('/institutions records_per_page=%s → per_page %i', async (sent, perPage) => {
    const h = createHarness();
    const reply = await h.call('GET', `/institutions${sent ? `?records_per_page=${sent}` : ''}`);
    expect(reply.body.pagination.per_page).toBe(perPage);
    expect(reply.body.institutions).toHaveLength(perPage);
  });

  it('pages through to the last page and past it', async () => {
    const h = createHarness();
    const first = await h.call('GET', '/institutions?records_per_page=100');
    const { total_entries: total, total_pages: pages } = first.body.pagination;
    expect(pages).toBe(Math.ceil(total / 100));
    const last = await h.call('GET', `/institutions?records_per_page=100&page=${pages}`);
    expect(last.body.institutions).toHaveLength(total - (pages - 1) * 100);
    expect(last.body.pagination.current_page).toBe(pages);
    const past = await h.call('GET', `/institutions?records_per_page=100&page=${pages + 1}`);
    expect(past.body.institutions).toEqual([]);
    expect(past.body.pagination).toMatchObject({ current_page: pages + 1, total_entries: total });
    const second = await h.call('GET', '/institutions?records_per_page=10&page=2');
    const firstTen = await h.call('GET', '/institutions?records_per_page=20');
    expect(second.body.institutions).toEqual(firstTen.body.institutions.slice(10, 20));
  });

  it('answers 400 for a non-integer page or records_per_page', async () => {
    const h = createHarness();
    for (const query of ['page=two', 'records_per_page=ten', 'page=1.5']) {
      const reply = await h.call('GET', `/institutions?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.message).toMatch(/integer/);
    }
  });

  it('allows up to 1000 records per page on users, members and credentials (over 1000 → 25)', async () => {
    const h = createHarness();
    for (let i = 0; i < 12; i += 1) await h.call('POST', '/users', { user: { id: `u${i}` } });
    expect((await h.call('GET', '/users?records_per_page=1000')).body.pagination.per_page).toBe(1000);
    expect((await h.call('GET', '/users?records_per_page=1001')).body.pagination.per_page).toBe(25);
    const ten = await h.call('GET', '/users?records_per_page=10&page=2');
    expect(ten.body.users).toHaveLength(2);
    expect(ten.body.pagination).toEqual({ current_page: 2, per_page: 10, total_entries: 12, total_pages: 2 });
  });
});

describe('favorites, read, credentials, logos', () => {
  it('lists favorites with MX Bank first', async () => {
    const h = createHarness();
    const reply = await h.call('GET', '/institutions/favorites');
    expect(reply.body.institutions[0].code).toBe('mxbank');
    expect(reply.body.institutions.map((i: Institution) => i.code)).toContain('mx_bank_oauth');
    expect(reply.body.pagination.total_entries).toBe(reply.body.institutions.length);
  });

  it('reads an institution with logo URLs under the mount prefix, and serves the logos as SVG', async () => {
    const h = createHarness();
    const reply = await h.call('GET', '/institutions/mxbank');
    expect(reply.body.institution).toMatchObject({ code: 'mxbank', name: 'MX Bank', supports_oauth: false });
    const { small_logo_url: small, medium_logo_url: medium } = reply.body.institution as Institution;
    expect(small).toBe(`${ORIGIN}${PREFIX}/logos/mxbank_50.svg`);
    expect(medium).toBe(`${ORIGIN}${PREFIX}/logos/mxbank_100.svg`);
    const logo = await h.app.request(medium);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(await logo.text()).toMatch(/^<svg [^>]*width="100"/);
    expect((await h.call('GET', '/institutions/mx_bank_oauth')).body.institution.supports_oauth).toBe(true);
    expect((await h.call('GET', '/institutions/nope')).status).toBe(404);
  });

  it('serves MX Bank credentials with MX\u2019s guids', async () => {
    const h = createHarness();
    const reply = await h.call('GET', '/institutions/mxbank/credentials');
    expect(reply.body.credentials).toEqual([
      {
        guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1',
        field_name: 'LOGIN',
        field_type: 'LOGIN',
        type: 'LOGIN',
        label: 'Username',
        display_order: 1,
      },
      {
        guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d',
        field_name: 'PASSWORD',
        field_type: 'PASSWORD',
        type: 'PASSWORD',
        label: 'Password',
        display_order: 2,
      },
    ]);
    expect((await h.call('GET', '/institutions/nope/credentials')).status).toBe(404);
  });

  it('covers every credential type across the catalogue, with options, images and URLs where needed', async () => {
    const h = createHarness();
    const seen = new Map<string, Record<string, unknown>>();
    const list = await h.call('GET', '/institutions?records_per_page=100');
    for (const institution of list.body.institutions.slice(0, 40) as Institution[]) {
      const reply = await h.call('GET', `/institutions/${institution.code}/credentials`);
      for (const credential of reply.body.credentials)
        if (!seen.has(credential.type)) seen.set(credential.type, credential);
    }
    expect([...seen.keys()].sort()).toEqual([...CREDENTIAL_TYPES].sort());
    for (const type of ['OPTIONS', 'RADIO', 'IMAGE_OPTIONS']) {
      const options = seen.get(type)!.options as { guid: string; label: string; value: string }[];
      expect(options.length, type).toBeGreaterThan(1);
      expect(options.every((option) => option.guid.startsWith('CRD-') && option.label && option.value)).toBe(true);
    }
    expect(seen.get('IMAGE_DATA')!.image_data).toMatch(/^data:image\//);
    for (const type of ['URL', 'CONTENT_URL']) expect(seen.get(type)!.url, type).toMatch(/^https:\/\//);
    // The site-key picture is the sandbox's own (see the next describe block).
    expect(seen.get('IMAGE_URL')!.url).toMatch(new RegExp(`^${ORIGIN}${PREFIX}/sitekeys/[a-z0-9_]+\\.svg$`));
    expect(seen.get('HIDDEN')!.value).toEqual(expect.any(String));
  });

  it('is deterministic: two sandboxes serve the same catalogue', async () => {
    const a = await createHarness().call('GET', '/institutions?records_per_page=100&page=3');
    const b = await createHarness().call('GET', '/institutions?records_per_page=100&page=3');
    expect(a.body).toEqual(b.body);
  });
});

describe('IMAGE_URL site-key pictures', () => {
  async function imageUrlInstitution(h: ReturnType<typeof createHarness>) {
    const list = await h.call('GET', '/institutions?records_per_page=100');
    for (const institution of list.body.institutions as Institution[]) {
      const reply = await h.call('GET', `/institutions/${institution.code}/credentials`);
      const credentials = reply.body.credentials as { guid: string; type: string; label: string; url?: string }[];
      const image = credentials.find((credential) => credential.type === 'IMAGE_URL');
      if (image) return { institution, credentials, image };
    }
    throw new Error('no IMAGE_URL institution on the first page');
  }

  it('serves the picture the credential names, under the mount prefix, as an SVG image without Basic auth', async () => {
    const h = createHarness();
    const { institution, image } = await imageUrlInstitution(h);
    expect(image.url).toBe(`${ORIGIN}${PREFIX}/sitekeys/${institution.code}.svg`);
    const picture = await h.app.request(image.url!);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await picture.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*role="img"/);
    expect(svg).toContain(`aria-label="${institution.name} site key image"`);
  });

  it('gives a member\u2019s credentials the same URL, and a sandbox at the root serves it at the root', async () => {
    const h = createHarness();
    const { institution, credentials, image } = await imageUrlInstitution(h);
    const user = await h.createUser();
    const answers = credentials
      .filter((credential) => credential.type === 'LOGIN' || credential.type === 'PASSWORD')
      .map((credential) => ({ guid: credential.guid, value: 'someone' }));
    const created = await h.call('POST', `/users/${user}/members`, {
      member: { institution_code: institution.code, credentials: answers },
    });
    expect(created.status).toBe(202);
    const listed = await h.call('GET', `/users/${user}/members/${created.body.member.guid}/credentials`);
    expect(listed.body.credentials.find((credential: { type: string }) => credential.type === 'IMAGE_URL').url).toBe(
      image.url,
    );

    const root = createSandbox();
    const headers = { Authorization: AUTH, Accept: MX_ACCEPT };
    const rootCredentials = await (
      await root.request(`http://127.0.0.1:8089/institutions/${institution.code}/credentials`, { headers })
    ).json();
    const rootUrl = rootCredentials.credentials.find(
      (credential: { type: string }) => credential.type === 'IMAGE_URL',
    ).url;
    expect(rootUrl).toBe(`http://127.0.0.1:8089/sitekeys/${institution.code}.svg`);
    const picture = await root.request(rootUrl);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('has no picture for an unknown institution or one without an IMAGE_URL credential', async () => {
    const h = createHarness();
    for (const path of ['/sitekeys/nope.svg', '/sitekeys/mxbank.svg', '/sitekeys/mxbank.png']) {
      const reply = await h.app.request(`${ORIGIN}${PREFIX}${path}`);
      expect(reply.status, path).toBe(404);
      expect(reply.headers.get('content-type'), path).toBe(MX_ACCEPT);
    }
  });
});
