import type { ComponentType } from 'react';

import type { CredentialField } from '../../api/schemas';
import type { CredentialFieldType } from '../../mx/mxEnums';
import { CheckboxField, ImageOptionsField, OptionsField, RadioField } from './ChoiceField';
import { HiddenField, ImageDataField, ImageField, LinkField, NotRenderedField } from './DisplayFields';
import type { CredentialFieldProps, CredentialValues } from './fieldTypes';
import { PasswordField } from './PasswordField';
import { LoginField, TextField, TokenField } from './TextField';

/** One component per MX credential type (product.md table). A new type fails to compile until it is registered. */
export const FIELD_REGISTRY = {
  LOGIN: LoginField,
  TEXT: TextField,
  CUSTOM: TextField,
  CLUDGE: TextField,
  PASSWORD: PasswordField,
  TOKEN: TokenField,
  OPTIONS: OptionsField,
  RADIO: RadioField,
  CHECKBOX: CheckboxField,
  HIDDEN: HiddenField,
  URL: LinkField,
  CONTENT_URL: LinkField,
  IMAGE_URL: ImageField,
  IMAGE_DATA: ImageDataField,
  IMAGE_OPTIONS: ImageOptionsField,
  USERKEY: NotRenderedField,
  OAUTH2_URL: NotRenderedField,
  OAUTH_ACCESS_TOKEN: NotRenderedField,
  OAUTH_REFRESH_TOKEN: NotRenderedField,
} satisfies Record<CredentialFieldType, ComponentType<CredentialFieldProps>>;

/** What a type contributes to the submitted credentials: typed text, a boolean, the given value, or nothing. */
const VALUE_KIND = {
  LOGIN: 'text',
  TEXT: 'text',
  CUSTOM: 'text',
  CLUDGE: 'text',
  PASSWORD: 'text',
  TOKEN: 'text',
  OPTIONS: 'text',
  RADIO: 'text',
  IMAGE_DATA: 'text',
  IMAGE_OPTIONS: 'text',
  CHECKBOX: 'boolean',
  HIDDEN: 'given',
  URL: 'none',
  CONTENT_URL: 'none',
  IMAGE_URL: 'none',
  USERKEY: 'none',
  OAUTH2_URL: 'none',
  OAUTH_ACCESS_TOKEN: 'none',
  OAUTH_REFRESH_TOKEN: 'none',
} as const satisfies Record<CredentialFieldType, 'text' | 'boolean' | 'given' | 'none'>;

export const defaultValueFor = (field: CredentialField): string | boolean => {
  const kind = VALUE_KIND[field.type];
  return kind === 'boolean' ? field.value === 'true' : kind === 'given' ? (field.value ?? '') : '';
};

/** The `credentials` array for the API: one entry per field that carries a value. */
export function toCredentialAnswers(fields: readonly CredentialField[], values: CredentialValues) {
  return fields.flatMap((field) => {
    const kind = VALUE_KIND[field.type];
    if (kind === 'none') return [];
    const value = values[field.guid];
    if (kind === 'boolean') return [{ guid: field.guid, value: value === true ? 'true' : 'false' }];
    if (kind === 'given') return [{ guid: field.guid, value: field.value ?? '' }];
    return typeof value === 'string' && (value !== '' || !field.isOptional) ? [{ guid: field.guid, value }] : [];
  });
}

/** Whether the person answers this field (types, picks or ticks), as opposed to a link, picture or hidden value. */
export const isAnswerField = (field: CredentialField): boolean =>
  VALUE_KIND[field.type] === 'text' || VALUE_KIND[field.type] === 'boolean';

export const isSecretField = (field: CredentialField): boolean => field.type === 'PASSWORD';
