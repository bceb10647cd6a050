import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import type { CredentialField } from '../../../src/api/schemas';
import { CREDENTIAL_FIELD_TYPES, type CredentialFieldType } from '../../../src/mx/mxEnums';
import { getCatalogue } from '../../../src/server/sandbox/catalogue';
import { en } from '../../../src/widget/copy';
import { CredentialForm } from '../../../src/widget/fields/CredentialForm';
import { FIELD_REGISTRY, toCredentialAnswers } from '../../../src/widget/fields/fieldRegistry';
import { createDraftStore, FlowContext } from '../../../src/widget/flowContext';
import { CopyContext } from '../../../src/widget/ui/copyContext';
import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const field = (type: CredentialFieldType, extra: Partial<CredentialField> = {}): CredentialField => ({
  guid: `CRD-${type}`,
  name: type,
  label: `${type} label`,
  type,
  unknownType: undefined,
  displayOrder: 0,
  options: [],
  isOptional: false,
  value: undefined,
  url: undefined,
  imageData: undefined,
  ...extra,
});

const ALL_FIELDS: CredentialField[] = [
  field('LOGIN'),
  field('TEXT'),
  field('CUSTOM'),
  field('CLUDGE'),
  field('PASSWORD'),
  field('TOKEN'),
  field('OPTIONS', {
    options: [
      { label: 'Personal', value: 'p', imageUri: undefined },
      { label: 'Business', value: 'b', imageUri: undefined },
    ],
  }),
  field('RADIO', {
    options: [
      { label: 'North', value: 'n', imageUri: undefined },
      { label: 'South', value: 's', imageUri: undefined },
    ],
  }),
  field('CHECKBOX'),
  field('HIDDEN', { value: 'device-42' }),
  field('URL', { url: 'https://bank.example/terms' }),
  field('CONTENT_URL', { url: 'https://bank.example/privacy' }),
  field('IMAGE_URL', { url: 'https://bank.example/sitekey.png' }),
  field('IMAGE_DATA', { imageData: PNG }),
  field('IMAGE_OPTIONS', {
    options: [
      { label: 'Sun', value: 'sun', imageUri: PNG },
      { label: 'Moon', value: 'moon', imageUri: PNG },
    ],
  }),
  field('USERKEY', { value: 'uk-1' }),
  field('OAUTH2_URL', { url: 'https://bank.example/oauth' }),
  field('OAUTH_ACCESS_TOKEN'),
  field('OAUTH_REFRESH_TOKEN'),
];

function renderForm(fields: CredentialField[], onSubmit = vi.fn()) {
  const flow = {
    dispatch: vi.fn(),
    emit: vi.fn(),
    idPrefix: 't',
    draft: createDraftStore(),
    skipAggregation: false,
    mode: 'aggregation' as const,
    partner: undefined,
    dataRequested: [],
    heldStatus: { current: undefined },
  };
  const utils = render(
    <CopyContext.Provider value={en}>
      <FlowContext.Provider value={flow}>
        <CredentialForm fields={fields} isPending={false} onSubmit={onSubmit} />
      </FlowContext.Provider>
    </CopyContext.Provider>,
  );
  return { ...utils, onSubmit, user: userEvent.setup() };
}

describe('credential field registry', { timeout: 20_000 }, () => {
  it('renders every credential type without accessibility violations', async () => {
    const { container } = renderForm(ALL_FIELDS);
    await expectNoAxeViolations(container);
  });

  it('registers a component for every MX credential type', () => {
    // The 19 field types of mx-platform.md §3.3, written out rather than read from the list under test.
    const documented = [
      'LOGIN',
      'TEXT',
      'PASSWORD',
      'TOKEN',
      'OPTIONS',
      'RADIO',
      'CHECKBOX',
      'HIDDEN',
      'URL',
      'CONTENT_URL',
      'IMAGE_URL',
      'IMAGE_DATA',
      'IMAGE_OPTIONS',
      'CUSTOM',
      'CLUDGE',
      'USERKEY',
      'OAUTH2_URL',
      'OAUTH_ACCESS_TOKEN',
      'OAUTH_REFRESH_TOKEN',
    ].sort();
    expect([...CREDENTIAL_FIELD_TYPES].sort()).toEqual(documented);
    expect(Object.keys(FIELD_REGISTRY).sort()).toEqual(documented);
  });

  it('renders each type as the element product.md specifies', async () => {
    const { container, user } = renderForm(ALL_FIELDS);
    expect(screen.getByLabelText('LOGIN label')).toHaveAttribute('autocomplete', 'username');
    for (const type of ['TEXT', 'CUSTOM', 'CLUDGE'] as const) {
      expect(screen.getByLabelText(`${type} label`)).toHaveAttribute('type', 'text');
    }
    const password = screen.getByLabelText('PASSWORD label');
    expect(password).toHaveAttribute('type', 'password');
    expect(password).toHaveAttribute('autocomplete', 'current-password');
    await user.click(screen.getByRole('button', { name: 'Show password' }));
    expect(password).toHaveAttribute('type', 'text');
    await user.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(password).toHaveAttribute('type', 'password');
    const token = screen.getByLabelText('TOKEN label');
    expect(token).toHaveAttribute('inputmode', 'numeric');
    expect(token).toHaveAttribute('autocomplete', 'one-time-code');
    expect(within(screen.getByRole('group', { name: 'OPTIONS label' })).getAllByRole('radio')).toHaveLength(2);
    expect(within(screen.getByRole('group', { name: 'RADIO label' })).getAllByRole('radio')).toHaveLength(2);
    expect(screen.getByRole('checkbox', { name: 'CHECKBOX label' })).not.toBeChecked();
    expect(container.querySelector('input[type="hidden"]')).toHaveValue('device-42');
    expect(screen.getByRole('link', { name: /^URL label/ })).toHaveAttribute('href', 'https://bank.example/terms');
    expect(screen.getByRole('link', { name: /CONTENT_URL label/ })).toHaveAttribute('target', '_blank');
    expect(screen.getByRole('img', { name: 'IMAGE_URL label' })).toHaveAttribute(
      'src',
      'https://bank.example/sitekey.png',
    );
    expect(screen.getByLabelText('IMAGE_DATA label')).toHaveAttribute('type', 'text');
    expect(container.querySelector(`img[src="${PNG}"]`)).not.toBeNull();
    const images = within(screen.getByRole('group', { name: 'IMAGE_OPTIONS label' }));
    // Each picture has its visible label; the radio is named by it and the picture is decorative.
    expect(images.getByRole('radio', { name: 'Sun' })).toBeInTheDocument();
    expect(images.getByText('Sun')).toBeVisible();
    expect(images.getAllByRole('radio')).toHaveLength(2);
    for (const type of ['USERKEY', 'OAUTH2_URL', 'OAUTH_ACCESS_TOKEN', 'OAUTH_REFRESH_TOKEN']) {
      expect(screen.queryByText(`${type} label`)).toBeNull();
    }
  });

  it('uses a select when there are many options', () => {
    const options = ['a', 'b', 'c', 'd', 'e'].map((v) => ({ label: v.toUpperCase(), value: v, imageUri: undefined }));
    renderForm([field('OPTIONS', { options })]);
    expect(screen.getByRole('combobox', { name: 'OPTIONS label' })).toBeInTheDocument();
  });

  it('marks every empty required field and links the error with aria-describedby', async () => {
    const { user, onSubmit } = renderForm([field('LOGIN'), field('PASSWORD'), field('CHECKBOX', { isOptional: true })]);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const login = screen.getByLabelText('LOGIN label');
    expect(login).toHaveAttribute('aria-invalid', 'true');
    expect(login).toHaveAccessibleDescription('This field is required.');
    expect(screen.getByLabelText('PASSWORD label')).toHaveAccessibleDescription('This field is required.');
    expect(login).toHaveFocus();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('puts an image option picture in the page only through safeUrl (issue 13 item 9)', () => {
    const { container } = renderForm([
      field('IMAGE_OPTIONS', {
        options: [
          { label: 'Script', value: 'x', imageUri: 'javascript:alert(1)' },
          { label: 'Safe', value: 's', imageUri: 'https://bank.example/sun.png' },
        ],
      }),
    ]);
    expect(container.querySelector('img[src^="javascript"]')).toBeNull();
    expect(container.querySelector('img[src="https://bank.example/sun.png"]')).not.toBeNull();
    // The option with an unusable picture is still there, by its label.
    expect(screen.getByRole('radio', { name: 'Script' })).toBeInTheDocument();
  });

  it('never requires a checkbox: an unchecked box submits as "false"', async () => {
    const fields = [field('LOGIN'), field('CHECKBOX', { label: 'Remember this device' })];
    const { user, onSubmit } = renderForm(fields);
    await user.type(screen.getByLabelText('LOGIN label'), 'me');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(screen.queryByText('This field is required.')).toBeNull();
    expect(screen.getByRole('checkbox', { name: 'Remember this device' })).not.toHaveAttribute('aria-invalid');
    const [values] = onSubmit.mock.calls[0] as [Record<string, string | boolean>];
    expect(toCredentialAnswers(fields, values)).toEqual([
      { guid: 'CRD-LOGIN', value: 'me' },
      { guid: 'CRD-CHECKBOX', value: 'false' },
    ]);
  });

  it('builds the credentials array: typed values, booleans, given values, nothing for display-only types', () => {
    const answers = toCredentialAnswers(ALL_FIELDS, {
      'CRD-LOGIN': 'me',
      'CRD-PASSWORD': 'secret',
      'CRD-CHECKBOX': true,
      'CRD-OPTIONS': 'b',
    });
    expect(answers).toEqual(
      expect.arrayContaining([
        { guid: 'CRD-LOGIN', value: 'me' },
        { guid: 'CRD-PASSWORD', value: 'secret' },
        { guid: 'CRD-CHECKBOX', value: 'true' },
        { guid: 'CRD-OPTIONS', value: 'b' },
        { guid: 'CRD-HIDDEN', value: 'device-42' },
      ]),
    );
    const sent = new Set(answers.map((a) => a.guid));
    for (const type of [
      'URL',
      'CONTENT_URL',
      'IMAGE_URL',
      'USERKEY',
      'OAUTH2_URL',
      'OAUTH_ACCESS_TOKEN',
      'OAUTH_REFRESH_TOKEN',
    ]) {
      expect(sent.has(`CRD-${type}`)).toBe(false);
    }
  });
});

describe('every credential type against the sandbox', { timeout: 20_000 }, () => {
  const catalogue = getCatalogue();
  const institutionWith = (type: string) =>
    catalogue.all.find(
      (i) => !i.supports_oauth && !i.code.startsWith('fault_') && i.credentials.some((c) => c.field_type === type),
    );

  it.each([
    'TEXT',
    'OPTIONS',
    'RADIO',
    'CHECKBOX',
    'IMAGE_DATA',
    'IMAGE_OPTIONS',
    'CUSTOM',
    'TOKEN',
    'IMAGE_URL',
    'URL',
  ])('connects an institution whose form has %s', async (type) => {
    const institution = institutionWith(type);
    if (institution === undefined) throw new Error(`the sandbox has no institution with ${type}`);
    const { user, onSuccess, onEvent, container } = renderWidget({ institutionCode: institution.code });
    await screen.findByRole('button', { name: 'Continue' });
    await expectNoAxeViolations(container);
    for (const credential of [...institution.credentials].sort(
      (a, b) => (a.display_order ?? 0) - (b.display_order ?? 0),
    )) {
      const label = credential.label ?? '';
      switch (credential.field_type) {
        case 'OPTIONS':
        case 'RADIO':
        case 'IMAGE_OPTIONS': {
          const group = screen.getByRole('group', { name: label });
          await user.click(within(group).getAllByRole('radio')[0] as HTMLElement);
          break;
        }
        case 'CHECKBOX':
          await user.click(screen.getByRole('checkbox', { name: label }));
          break;
        case 'LOGIN':
        case 'TEXT':
        case 'PASSWORD':
        case 'TOKEN':
        case 'IMAGE_DATA':
        case 'CUSTOM':
        case 'CLUDGE':
          await user.type(screen.getByLabelText(label), 'value-1');
          break;
        default:
          break;
      }
    }
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() =>
      expect(onSuccess).toHaveBeenCalledWith({
        memberGuid: expect.stringMatching(/^MBR-/),
        institutionCode: institution.code,
        accounts: expect.any(Array),
      }),
    );
    expect(JSON.stringify(onEvent.mock.calls)).not.toContain('value-1');
  });

  it('renders an unknown type as a labelled text input and reports invalidData', async () => {
    const { user, onEvent, onSuccess } = renderWidget(
      { institutionCode: 'mxbank' },
      {
        overrides: [
          http.get('*/api/connect/institutions/mxbank/credentials', () =>
            HttpResponse.json({
              credentials: [
                {
                  guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1',
                  field_name: 'LOGIN',
                  field_type: 'LOGIN',
                  label: 'Username',
                  display_order: 1,
                },
                {
                  guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d',
                  field_name: 'PASSWORD',
                  field_type: 'HOLOGRAM',
                  label: 'Secret phrase',
                  display_order: 2,
                },
              ],
              pagination: { current_page: 1, per_page: 25, total_entries: 2, total_pages: 1 },
            }),
          ),
        ],
      },
    );
    const input = await screen.findByLabelText('Secret phrase');
    expect(input).toHaveAttribute('type', 'text');
    expect(onEvent).toHaveBeenCalledWith({
      mx: true,
      type: 'mx/connect/invalidData',
      metadata: { code: 'mxbank', type: 'credential', field_type: 'HOLOGRAM' },
    });
    // The user is not blocked: the form still submits and connects.
    await user.type(screen.getByLabelText('Username'), 'mxuser');
    await user.type(input, 'anything');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
  });
});
