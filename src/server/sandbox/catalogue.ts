// The sandbox's institutions: MX's two test institutions, a few fault institutions, and a deterministic catalogue of
// fictional ones generated from word lists (no real bank names). Between them the credential sets cover every
// credential type in product.md.
import { CREDENTIAL_FIELD_TYPES, type CredentialFieldType } from '../../mx/mxEnums.ts';
import type { Fault } from './faults.ts';
import { fnv1a, seededRandom, stableGuid } from './ids.ts';

export const CREDENTIAL_TYPES = CREDENTIAL_FIELD_TYPES;
export type CredentialType = CredentialFieldType;

/** Types a person types or picks; the others are display-only or machine-provided and never required. */
const USER_ENTERED: ReadonlySet<CredentialType> = new Set([
  'LOGIN',
  'TEXT',
  'PASSWORD',
  'TOKEN',
  'OPTIONS',
  'RADIO',
  'IMAGE_DATA',
  'IMAGE_OPTIONS',
  'CUSTOM',
  'CLUDGE',
]);
export const isUserEntered = (type: CredentialType): boolean => USER_ENTERED.has(type);

export interface CredentialOption {
  readonly guid: string;
  readonly label: string;
  readonly value: string;
  /** IMAGE_OPTIONS only. */
  readonly data_uri?: string;
}

/**
 * A credential as served. The first six fields are the v20111101 schema; the optional ones are extras the spec lacks
 * (documented in docs/sandbox.md): `options` (as in Atrium's docs), `image_data` (IMAGE_DATA), `url` (URL,
 * CONTENT_URL, IMAGE_URL), `value` (HIDDEN: the value to send back as given). A `url` starting with `/` is a path the
 * sandbox serves itself; it is made absolute from the request URL and mount prefix when served.
 */
export interface CatalogueCredential {
  readonly guid: string;
  readonly field_name: string;
  readonly field_type: CredentialType;
  readonly type: CredentialType;
  readonly label: string;
  readonly display_order: number;
  readonly options?: readonly CredentialOption[];
  readonly image_data?: string;
  readonly url?: string;
  readonly value?: string;
}

export interface CatalogueInstitution {
  readonly code: string;
  readonly guid: string;
  readonly name: string;
  readonly url: string;
  readonly forgot_password_url: string | null;
  readonly forgot_username_url: string | null;
  readonly trouble_signing_in_url: string | null;
  readonly instructional_text: string | null;
  readonly instructional_text_steps: readonly string[] | null;
  readonly iso_country_code: 'US' | 'CA' | 'MX';
  readonly supports_account_identification: boolean;
  readonly supports_account_statement: boolean;
  readonly supports_account_verification: boolean;
  readonly supports_oauth: boolean;
  readonly supports_tax_document: boolean;
  readonly supports_transaction_history: boolean;
  readonly credentials: readonly CatalogueCredential[];
  /** Logo colours (generated SVG). */
  readonly colour: string;
  /** Fault institutions fail their member requests this way (see faults.ts). */
  readonly fault?: Fault;
}

export const MXBANK_CODE = 'mxbank';
export const MXBANK_OAUTH_CODE = 'mx_bank_oauth';
/** MX's real mxbank credential guids (mx-platform.md §9). */
export const MXBANK_LOGIN_GUID = 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1';
export const MXBANK_PASSWORD_GUID = 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d';
export const MXBANK_USERNAME = 'mxuser';

type CredentialDraft = Omit<CatalogueCredential, 'guid' | 'field_type' | 'type' | 'display_order' | 'options'> & {
  readonly kind: CredentialType;
  readonly options?: readonly Omit<CredentialOption, 'guid'>[];
};

function buildCredentials(code: string, drafts: readonly CredentialDraft[]): CatalogueCredential[] {
  return drafts.map(({ kind, options, ...rest }, index) => ({
    ...rest,
    guid: stableGuid('CRD', `${code}/${rest.field_name}`),
    field_type: kind,
    type: kind,
    display_order: index + 1,
    ...(options
      ? {
          options: options.map((option) => ({
            ...option,
            guid: stableGuid('CRD', `${code}/${rest.field_name}/${option.value}`),
          })),
        }
      : {}),
  }));
}

const svgUri = (label: string, body: string): string =>
  `data:image/svg+xml;base64,${btoa(
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-label="${label}"><title>${label}</title>${body}</svg>`,
  )}`;
// Security-image choices: one light tile each, distinct in shape and colour.
const tile = (label: string, body: string): string =>
  svgUri(label, `<rect width="64" height="64" rx="8" fill="#eef2f5"/>${body}`);

/** Where the sandbox serves an institution's site-key picture (relative to the sandbox root). */
export const siteKeyPath = (code: string): string => `/sitekeys/${encodeURIComponent(code)}.svg`;

const LOGIN: CredentialDraft = { kind: 'LOGIN', field_name: 'LOGIN', label: 'Username' };
const PASSWORD: CredentialDraft = { kind: 'PASSWORD', field_name: 'PASSWORD', label: 'Password' };

/** Credential-set templates; each generated institution gets one. Together they cover every credential type. */
const CREDENTIAL_SETS: readonly ((site: string, code: string) => CredentialDraft[])[] = [
  () => [LOGIN, PASSWORD],
  () => [
    { ...LOGIN, label: 'User ID' },
    PASSWORD,
    { kind: 'TEXT', field_name: 'MEMBER_NUMBER', label: 'Member number' },
  ],
  () => [
    LOGIN,
    PASSWORD,
    {
      kind: 'OPTIONS',
      field_name: 'ACCOUNT_TYPE',
      label: 'Account type',
      options: [
        { label: 'Personal', value: 'personal' },
        { label: 'Business', value: 'business' },
        { label: 'Commercial', value: 'commercial' },
      ],
    },
  ],
  () => [
    {
      kind: 'RADIO',
      field_name: 'REGION',
      label: 'Where do you bank with us?',
      options: [
        { label: 'North region', value: 'north' },
        { label: 'South region', value: 'south' },
      ],
    },
    LOGIN,
    PASSWORD,
  ],
  (site) => [
    { kind: 'TEXT', field_name: 'CUSTOMER_ID', label: 'Customer ID' },
    PASSWORD,
    { kind: 'CHECKBOX', field_name: 'REMEMBER_DEVICE', label: 'Remember this device' },
    { kind: 'HIDDEN', field_name: 'DEVICE_PROFILE', label: 'Device profile', value: `web-${fnv1a(site).toString(16)}` },
  ],
  (site) => [
    LOGIN,
    PASSWORD,
    { kind: 'URL', field_name: 'TERMS_URL', label: 'Read the online banking terms', url: `${site}/terms` },
    { kind: 'CONTENT_URL', field_name: 'PRIVACY_NOTICE', label: 'Privacy notice', url: `${site}/privacy` },
  ],
  (_site, code) => [
    LOGIN,
    { kind: 'IMAGE_URL', field_name: 'SITE_KEY_IMAGE', label: 'Your site key image', url: siteKeyPath(code) },
    PASSWORD,
  ],
  () => [
    LOGIN,
    PASSWORD,
    {
      kind: 'IMAGE_DATA',
      field_name: 'VERIFICATION_CODE',
      label: 'Type the characters in the picture',
      image_data: svgUri(
        'The characters: 7XK2',
        '<rect width="64" height="64" fill="#445"/><text x="32" y="38" font-size="14" text-anchor="middle" fill="#fff" font-family="monospace">7XK2</text>',
      ),
    },
  ],
  () => [
    LOGIN,
    PASSWORD,
    {
      kind: 'IMAGE_OPTIONS',
      field_name: 'SECURITY_IMAGE',
      label: 'Choose your security image',
      options: [
        {
          label: 'Sailboat',
          value: 'sailboat',
          data_uri: tile(
            'Sailboat',
            '<path d="M31 8v34H13z" fill="#39c"/><path d="M35 14v28h16z" fill="#7bd"/><path d="M8 45h48l-7 9H15z" fill="#963"/>',
          ),
        },
        {
          label: 'Mountain',
          value: 'mountain',
          data_uri: tile(
            'Mountain',
            '<path d="M4 56 26 16l14 24 8-10 12 26z" fill="#585"/><path d="m20 27 6-11 6 11z" fill="#fff"/>',
          ),
        },
        {
          label: 'Sun',
          value: 'sun',
          data_uri: tile(
            'Sun',
            '<circle cx="32" cy="32" r="13" fill="#fb3"/><path d="M32 6v9M32 49v9M6 32h9M49 32h9M14 14l6 6M44 44l6 6M14 50l6-6M44 20l6-6" stroke="#fb3" stroke-width="4" stroke-linecap="round"/>',
          ),
        },
      ],
    },
  ],
  () => [
    { kind: 'CUSTOM', field_name: 'COMPANY_ID', label: 'Company ID' },
    { kind: 'CLUDGE', field_name: 'OPERATOR_ID', label: 'Operator ID' },
    PASSWORD,
  ],
  (site) => [
    LOGIN,
    PASSWORD,
    { kind: 'USERKEY', field_name: 'USER_KEY', label: 'User key', value: `uk-${fnv1a(site).toString(36)}` },
  ],
  () => [LOGIN, PASSWORD, { kind: 'TOKEN', field_name: 'SECURITY_TOKEN', label: 'Security token code' }],
];

/** Credentials of generated OAuth institutions: none of these is entered by a person. */
const OAUTH_SET = (site: string): CredentialDraft[] => [
  { kind: 'OAUTH2_URL', field_name: 'OAUTH_URL', label: 'Sign in with your bank', url: `${site}/oauth/authorize` },
  { kind: 'OAUTH_ACCESS_TOKEN', field_name: 'ACCESS_TOKEN', label: 'Access token' },
  { kind: 'OAUTH_REFRESH_TOKEN', field_name: 'REFRESH_TOKEN', label: 'Refresh token' },
];

const FIRST = [
  'Amber',
  'Ashen',
  'Aspen',
  'Birch',
  'Bramble',
  'Briar',
  'Cedar',
  'Cinder',
  'Clover',
  'Cobalt',
  'Copper',
  'Coral',
  'Crane',
  'Dapple',
  'Ember',
  'Fennel',
  'Fern',
  'Flint',
  'Foxglove',
  'Garnet',
  'Hazel',
  'Heron',
  'Holly',
  'Indigo',
  'Juniper',
  'Kestrel',
  'Larch',
  'Linden',
  'Lupine',
  'Maple',
  'Marigold',
  'Meadow',
  'Moss',
  'Nettle',
  'Oriole',
  'Otter',
  'Pebble',
  'Plover',
  'Quartz',
  'Quill',
  'Rowan',
  'Saffron',
  'Sorrel',
  'Spruce',
  'Tansy',
  'Thistle',
  'Umber',
  'Vesper',
  'Willow',
  'Wren',
  'Yarrow',
  'Zephyr',
];
const SECOND = [
  'brook',
  'dale',
  'fen',
  'field',
  'ford',
  'gate',
  'glen',
  'haven',
  'hollow',
  'mere',
  'moor',
  'ridge',
  'shore',
  'vale',
];
const KINDS = [
  'Savings Bank',
  'Credit Union',
  'Community Bank',
  'Federal Credit Union',
  'Trust Company',
  'Mutual Bank',
  'Savings & Loan',
  'Cooperative Bank',
  'State Bank',
  'Bank',
];
const COUNTRIES: readonly CatalogueInstitution['iso_country_code'][] = [
  'US',
  'US',
  'US',
  'US',
  'US',
  'US',
  'CA',
  'CA',
  'MX',
];
const COLOURS = [
  '#1b5e8a',
  '#2e7d32',
  '#8e24aa',
  '#c62828',
  '#ef6c00',
  '#00838f',
  '#5d4037',
  '#3949ab',
  '#ad1457',
  '#455a64',
];

const GENERATED_COUNT = 420;

function generated(): CatalogueInstitution[] {
  const random = seededRandom(20111101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const seen = new Set<string>();
  const result: CatalogueInstitution[] = [];
  while (result.length < GENERATED_COUNT) {
    const name = `${pick(FIRST)}${pick(SECOND)} ${pick(KINDS)}`;
    const code = name
      .toLowerCase()
      .replaceAll('&', 'and')
      .replaceAll(/[^a-z0-9]+/g, '_');
    if (seen.has(code)) continue;
    seen.add(code);
    const index = result.length;
    const site = `https://www.${code.replaceAll('_', '')}.example`;
    const oauth = index % 17 === 5;
    const drafts = oauth
      ? OAUTH_SET(site)
      : (CREDENTIAL_SETS[index % CREDENTIAL_SETS.length] as (s: string, c: string) => CredentialDraft[])(site, code);
    const withSteps = index % 3 === 0;
    result.push({
      code,
      guid: stableGuid('INS', code),
      name,
      url: site,
      forgot_password_url: index % 5 === 4 ? null : `${site}/forgot-password`,
      forgot_username_url: index % 4 === 3 ? null : `${site}/forgot-username`,
      trouble_signing_in_url: index % 6 === 2 ? null : `${site}/help/sign-in`,
      instructional_text:
        index % 2 === 0
          ? `Use the same username and password you use for ${name} online banking. <a href="${site}/help" id="instructional_text">Need help?</a>`
          : null,
      instructional_text_steps: withSteps
        ? [
            'Step 1: Sign in with your online banking username.',
            `Step 2: If asked, approve the request in the ${name} app.`,
          ]
        : null,
      iso_country_code: pick(COUNTRIES),
      supports_account_identification: random() < 0.7,
      supports_account_statement: random() < 0.4,
      supports_account_verification: random() < 0.75,
      supports_oauth: oauth,
      supports_tax_document: random() < 0.3,
      supports_transaction_history: random() < 0.85,
      credentials: buildCredentials(code, drafts),
      colour: pick(COLOURS),
    });
  }
  return result;
}

const MXBANK: CatalogueInstitution = {
  code: MXBANK_CODE,
  guid: 'INS-1572a04c-912b-59bf-5841-332c7dfafaef',
  name: 'MX Bank',
  url: 'https://www.mxbank.com',
  forgot_password_url: 'https://example.url.mxbank.com/forgot-password',
  forgot_username_url: 'https://example.url.mxbank.com/forgot-username',
  trouble_signing_in_url: 'https://example.url.mxbank.com/login-trouble',
  instructional_text:
    'Sign in as <strong>mxuser</strong>. Your password picks the scenario. <a href="https://example.url.mxbank.com/instructions" id="instructional_text">More about MX Bank</a>.',
  instructional_text_steps: null,
  iso_country_code: 'US',
  supports_account_identification: true,
  supports_account_statement: true,
  supports_account_verification: true,
  supports_oauth: false,
  supports_tax_document: true,
  supports_transaction_history: true,
  credentials: [
    {
      guid: MXBANK_LOGIN_GUID,
      field_name: 'LOGIN',
      field_type: 'LOGIN',
      type: 'LOGIN',
      label: 'Username',
      display_order: 1,
    },
    {
      guid: MXBANK_PASSWORD_GUID,
      field_name: 'PASSWORD',
      field_type: 'PASSWORD',
      type: 'PASSWORD',
      label: 'Password',
      display_order: 2,
    },
  ],
  colour: '#0b5cab',
};

const MXBANK_OAUTH: CatalogueInstitution = {
  ...MXBANK,
  code: MXBANK_OAUTH_CODE,
  guid: 'INS-f1a3285d-e855-b68f-6aa7-8ae775c0e0e9',
  name: 'MX Bank (OAuth)',
  instructional_text: 'You will sign in on MX Bank\u2019s own page and choose what to share.',
  supports_oauth: true,
  credentials: [],
  colour: '#0a7e6e',
};

const FAULT_INSTITUTIONS: readonly { code: string; name: string; fault: Fault }[] = [
  { code: 'fault_500_bank', name: 'Fault 500 Bank', fault: { kind: 'status', status: 500 } },
  { code: 'fault_503_bank', name: 'Fault 503 Bank', fault: { kind: 'status', status: 503 } },
  { code: 'fault_429_bank', name: 'Fault 429 Bank', fault: { kind: 'status', status: 429, retryAfter: 5 } },
  { code: 'fault_delay_bank', name: 'Fault Delay Bank', fault: { kind: 'delay', ms: 3000 } },
  { code: 'fault_drop_bank', name: 'Fault Drop Bank', fault: { kind: 'drop' } },
  { code: 'fault_malformed_bank', name: 'Fault Malformed Bank', fault: { kind: 'malformed' } },
];

function faultInstitution({ code, name, fault }: (typeof FAULT_INSTITUTIONS)[number]): CatalogueInstitution {
  const site = `https://www.${code.replaceAll('_', '')}.example`;
  return {
    ...MXBANK,
    code,
    guid: stableGuid('INS', code),
    name,
    url: site,
    forgot_password_url: `${site}/forgot-password`,
    forgot_username_url: null,
    trouble_signing_in_url: null,
    instructional_text: `Sandbox fault institution: its member requests fail (${code.replace('fault_', '').replace('_bank', '')}).`,
    credentials: buildCredentials(code, [LOGIN, PASSWORD]),
    colour: '#b71c1c',
    fault,
  };
}

export interface Catalogue {
  readonly all: readonly CatalogueInstitution[];
  readonly byCode: ReadonlyMap<string, CatalogueInstitution>;
  readonly favorites: readonly CatalogueInstitution[];
}

let cached: Catalogue | undefined;

/** The catalogue is immutable and deterministic, so it is built once per runtime. */
export function getCatalogue(): Catalogue {
  if (cached) return cached;
  const gen = generated();
  const all = [MXBANK, MXBANK_OAUTH, ...FAULT_INSTITUTIONS.map(faultInstitution), ...gen];
  const byCode = new Map(all.map((institution) => [institution.code, institution]));
  // A favourites list as MX would set it for a partner: MX Bank first, then a stable selection by "popularity".
  const favorites = [MXBANK, MXBANK_OAUTH, ...gen.filter((_, index) => index % 37 === 0).slice(0, 10)];
  cached = { all, byCode, favorites };
  return cached;
}
