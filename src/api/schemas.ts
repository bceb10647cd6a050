import * as v from 'valibot';

import { type CredentialFieldType, isCredentialFieldType } from '../mx/mxEnums';

// The wire contract the widget relies on (MX v20111101, ../shared/spec/v20111101.yml). Every field in the spec is
// nullable, so the schemas accept null/absent and normalise to what the UI needs. Unknown keys are dropped.

const nstr = v.nullish(v.string());
const nbool = v.nullish(v.boolean());

export const PaginationSchema = v.pipe(
  v.nullish(
    v.object({
      current_page: v.nullish(v.number()),
      per_page: v.nullish(v.number()),
      total_entries: v.nullish(v.number()),
      total_pages: v.nullish(v.number()),
    }),
  ),
  v.transform((p) => ({
    currentPage: p?.current_page ?? 1,
    perPage: p?.per_page ?? 0,
    totalEntries: p?.total_entries ?? 0,
    totalPages: p?.total_pages ?? 1,
  })),
);

export const InstitutionSchema = v.pipe(
  v.object({
    code: v.string(),
    name: nstr,
    url: nstr,
    forgot_password_url: nstr,
    forgot_username_url: nstr,
    trouble_signing_in_url: nstr,
    instructional_text: nstr,
    instructional_text_steps: v.nullish(v.array(v.string())),
    small_logo_url: nstr,
    medium_logo_url: nstr,
    supports_oauth: nbool,
    // Verification mode marks the institutions MX cannot verify at.
    supports_account_verification: nbool,
  }),
  v.transform((institution) => ({ ...institution, name: institution.name ?? institution.code })),
);
export type Institution = v.InferOutput<typeof InstitutionSchema>;

export const InstitutionsBodySchema = v.object({
  institutions: v.array(InstitutionSchema),
  pagination: PaginationSchema,
});
export type InstitutionsBody = v.InferOutput<typeof InstitutionsBodySchema>;
export const InstitutionBodySchema = v.object({ institution: InstitutionSchema });

const OptionSchema = v.object({ guid: nstr, label: nstr, value: nstr, data_uri: nstr });

const optionsOf = (options: v.InferOutput<typeof OptionSchema>[] | null | undefined) =>
  (options ?? []).map((o, i) => ({
    label: o.label ?? o.value ?? String(i + 1),
    // MX's own widget answers with the option guid, third-party clients with the value (mx-platform.md §5).
    value: o.value ?? o.guid ?? String(i),
    imageUri: o.data_uri ?? undefined,
  }));

/**
 * A credential as the form needs it. `type` is always a known type: an unknown wire type is kept in `unknownType` and
 * rendered as a text input (product.md), so the parse boundary is the only place that sees raw type strings.
 */
export const CredentialSchema = v.pipe(
  v.object({
    guid: v.string(),
    field_name: nstr,
    field_type: nstr,
    type: nstr,
    label: nstr,
    display_order: v.nullish(v.number()),
    options: v.nullish(v.array(OptionSchema)),
    // Not in the v20111101 schema; accepted when a backend sends them (MX's internal API does).
    optional: nbool,
    value: nstr,
    url: nstr,
    image_data: nstr,
  }),
  v.transform((c) => {
    const raw = (c.field_type ?? c.type ?? 'TEXT').toUpperCase();
    const known = isCredentialFieldType(raw);
    return {
      guid: c.guid,
      name: c.field_name ?? c.guid,
      label: c.label ?? c.field_name ?? '',
      type: known ? raw : ('TEXT' as CredentialFieldType),
      unknownType: known ? undefined : raw,
      displayOrder: c.display_order ?? 0,
      options: optionsOf(c.options),
      isOptional: c.optional === true,
      value: c.value ?? undefined,
      url: c.url ?? undefined,
      imageData: c.image_data ?? undefined,
    };
  }),
);
export type CredentialField = v.InferOutput<typeof CredentialSchema>;
export const CredentialsBodySchema = v.object({ credentials: v.array(CredentialSchema), pagination: PaginationSchema });

export const ChallengeSchema = v.pipe(
  v.object({
    guid: v.string(),
    field_name: nstr,
    label: nstr,
    type: nstr,
    image_data: nstr,
    options: v.nullish(v.array(OptionSchema)),
    image_options: v.nullish(v.array(OptionSchema)),
  }),
  v.transform((c): CredentialField => {
    const raw = (c.type ?? 'TEXT').toUpperCase();
    const known = isCredentialFieldType(raw);
    return {
      guid: c.guid,
      // Challenge field_name is not unique (mx-platform.md §5), so answers are keyed by guid.
      name: c.guid,
      label: c.label ?? c.field_name ?? '',
      type: known ? raw : 'TEXT',
      unknownType: known ? undefined : raw,
      displayOrder: 0,
      options: optionsOf(raw === 'IMAGE_OPTIONS' ? c.image_options : c.options),
      isOptional: false,
      value: undefined,
      url: undefined,
      imageData: c.image_data ?? undefined,
    };
  }),
);
export const ChallengesBodySchema = v.object({ challenges: v.array(ChallengeSchema) });

const statusField = v.pipe(
  nstr,
  v.transform((s) => s ?? null),
);

export const MemberSchema = v.object({
  guid: v.string(),
  institution_code: nstr,
  connection_status: statusField,
  connection_status_message: nstr,
  is_being_aggregated: nbool,
  is_oauth: nbool,
  oauth_window_uri: nstr,
});
export const MemberBodySchema = v.object({ member: MemberSchema });
export const MembersBodySchema = v.object({ members: v.array(MemberSchema), pagination: PaginationSchema });

export const MemberStatusSchema = v.object({
  guid: v.string(),
  connection_status: statusField,
  is_being_aggregated: nbool,
  is_authenticated: nbool,
  // What the running aggregation has reached: drives the connecting step's stages.
  has_processed_accounts: nbool,
  challenges: v.nullish(v.array(ChallengeSchema)),
});
export type MemberStatus = v.InferOutput<typeof MemberStatusSchema>;
export const MemberStatusBodySchema = v.object({ member: MemberStatusSchema });

export const OAuthWindowBodySchema = v.object({
  member: v.object({ guid: nstr, oauth_window_uri: v.string() }),
});

/**
 * A member's account as the success screen and `onSuccess` need it. Only the last four digits of the number are kept,
 * even if a backend sends more.
 */
export const AccountSchema = v.pipe(
  v.object({
    guid: v.string(),
    name: nstr,
    type: nstr,
    account_number_last_four: nstr,
  }),
  v.transform((a) => ({
    guid: a.guid,
    name: a.name ?? '',
    type: a.type ?? null,
    lastFour: a.account_number_last_four ? a.account_number_last_four.slice(-4) : null,
  })),
);
export const AccountsBodySchema = v.object({ accounts: v.array(AccountSchema), pagination: PaginationSchema });

export const ErrorBodySchema = v.object({ error: v.object({ message: v.string() }) });
