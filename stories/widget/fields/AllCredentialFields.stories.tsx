import type { Meta, StoryObj } from '@storybook/react-vite';
import type { SetupWorker } from 'msw/browser';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { expect, userEvent, waitFor, within } from 'storybook/test';

import type { CredentialField } from '../../../src/api/schemas';
import { CREDENTIAL_FIELD_TYPES, type CredentialFieldType } from '../../../src/mx/mxEnums';
import { en } from '../../../src/widget/copy';
import { defaultValueFor, FIELD_REGISTRY } from '../../../src/widget/fields/fieldRegistry';
import type { CredentialValues } from '../../../src/widget/fields/fieldTypes';
import { CopyContext } from '../../../src/widget/ui/copyContext';
import { credentialAssetHandlers, oneCredentialPerType } from '../../support/sandboxCredentials';

interface FieldFormProps {
  /** Credential definitions as the sandbox serves them (loaded per story). */
  fields: CredentialField[];
  /** Heading of this form, to tell the matrix's columns apart. */
  title: string;
}

/** The credential fields of the registry inside a bare form, as the credentials step uses them. */
function FieldForm({ fields, title }: FieldFormProps) {
  const idPrefix = useId();
  const { control, handleSubmit } = useForm<CredentialValues>({
    defaultValues: Object.fromEntries(fields.map((field) => [field.guid, defaultValueFor(field)])),
  });
  return (
    <CopyContext.Provider value={en}>
      <form className="mc-root" aria-label={title} noValidate onSubmit={handleSubmit(() => undefined)}>
        <h2 className="mc-heading">{title}</h2>
        {fields.map((field) => {
          const Field = FIELD_REGISTRY[field.type];
          return <Field key={field.guid} field={field} control={control} idPrefix={idPrefix} />;
        })}
        <button type="submit" className="mc-button mc-button-primary">
          {en.submit}
        </button>
      </form>
    </CopyContext.Provider>
  );
}

type Loaded = { byType: Partial<Record<CredentialFieldType, CredentialField>> };

const fieldsOf = (loaded: Loaded, types: readonly CredentialFieldType[]): CredentialField[] =>
  types.map((type) => {
    const field = loaded.byType[type];
    if (field === undefined) throw new Error(`The sandbox serves no ${type} credential.`);
    return field;
  });

const meta = {
  title: 'widget/fields/AllCredentialFields',
  component: FieldForm,
  tags: ['!autodocs'],
  args: { fields: [], title: 'Credential fields' },
  beforeEach: (context) => {
    // The addon sets `context.msw` at run time; its type augmentation does not reach this context type.
    (context as unknown as { msw: SetupWorker }).msw.use(...credentialAssetHandlers);
  },
  loaders: [async (): Promise<Loaded> => ({ byType: await oneCredentialPerType() })],
  render: (args, { loaded }) => <FieldForm {...args} fields={fieldsOf(loaded as Loaded, CREDENTIAL_FIELD_TYPES)} />,
} satisfies Meta<typeof FieldForm>;

export default meta;
type Story = StoryObj<typeof meta>;

const single = (type: CredentialFieldType, play: Story['play']): Story => ({
  name: type,
  args: { title: `${type} field` },
  render: (args, { loaded }) => <FieldForm {...args} fields={fieldsOf(loaded as Loaded, [type])} />,
  play,
});

export const Login = single('LOGIN', async ({ canvas }) => {
  const input = canvas.getByLabelText('Username');
  await expect(input).toHaveAttribute('type', 'text');
  await expect(input).toHaveAttribute('autocomplete', 'username');
});
export const Text = single('TEXT', async ({ canvas }) => {
  await expect(canvas.getByRole('textbox')).toHaveAttribute('type', 'text');
});
export const Custom = single('CUSTOM', async ({ canvas }) => {
  await expect(canvas.getByRole('textbox', { name: 'Company ID' })).toBeVisible();
});
export const Cludge = single('CLUDGE', async ({ canvas }) => {
  await expect(canvas.getByRole('textbox', { name: 'Operator ID' })).toBeVisible();
});
export const Password = single('PASSWORD', async ({ canvas }) => {
  const input = canvas.getByLabelText('Password');
  await expect(input).toHaveAttribute('type', 'password');
  await expect(input).toHaveAttribute('autocomplete', 'current-password');
  await userEvent.type(input, 'hunter2');
  await userEvent.click(canvas.getByRole('button', { name: en.showPassword }));
  await expect(input).toHaveAttribute('type', 'text');
  await expect(canvas.getByRole('button', { name: en.hidePassword })).toBeVisible();
});
export const Token = single('TOKEN', async ({ canvas }) => {
  const input = canvas.getByRole('textbox');
  await expect(input).toHaveAttribute('inputmode', 'numeric');
  await expect(input).toHaveAttribute('autocomplete', 'one-time-code');
});
export const Options = single('OPTIONS', async ({ canvas }) => {
  // Three options: few enough to show as a radio group.
  const group = canvas.getByRole('group', { name: 'Account type' });
  await expect(within(group).getAllByRole('radio')).toHaveLength(3);
});
export const Radio = single('RADIO', async ({ canvas }) => {
  await userEvent.click(canvas.getByRole('radio', { name: 'South region' }));
  await expect(canvas.getByRole('radio', { name: 'South region' })).toBeChecked();
});
export const Checkbox = single('CHECKBOX', async ({ canvas }) => {
  const box = canvas.getByRole('checkbox', { name: 'Remember this device' });
  await userEvent.click(box);
  await expect(box).toBeChecked();
});
export const Hidden = single('HIDDEN', async ({ canvasElement }) => {
  const hidden = canvasElement.querySelector('input[type="hidden"]');
  await expect(hidden).not.toBeNull();
  await expect(hidden?.getAttribute('value')).toMatch(/^web-/);
});
export const Url = single('URL', async ({ canvas }) => {
  const link = canvas.getByRole('link', { name: /Read the online banking terms/ });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', expect.stringContaining('noopener'));
  await expect(link).toHaveAttribute('href', expect.stringMatching(/^https:\/\/.+\/terms$/));
});
export const ContentUrl = single('CONTENT_URL', async ({ canvas }) => {
  await expect(canvas.getByRole('link', { name: /Privacy notice/ })).toHaveAttribute('target', '_blank');
});
export const ImageUrl = single('IMAGE_URL', async ({ canvas }) => {
  // The sandbox's image lives on a fictional host; the preview refuses off-origin requests, so only its alt text shows.
  await expect(canvas.getByRole('img', { name: 'Your site key image' })).toHaveAttribute(
    'src',
    expect.stringMatching(/\/sitekeys\/[a-z0-9_]+\.svg$/),
  );
  // The picture really loads (the in-page sandbox serves it), not only the attribute.
  await waitFor(() =>
    expect((canvas.getByRole('img', { name: 'Your site key image' }) as HTMLImageElement).naturalWidth).toBeGreaterThan(
      0,
    ),
  );
  await expect(canvas.queryByRole('textbox')).toBeNull();
});
export const ImageData = single('IMAGE_DATA', async ({ canvas }) => {
  await expect(canvas.getByRole('textbox', { name: 'Type the characters in the picture' })).toBeVisible();
});
export const ImageOptions = single('IMAGE_OPTIONS', async ({ canvas }) => {
  const mountain = canvas.getByRole('radio', { name: 'Mountain' });
  await userEvent.click(mountain);
  await expect(mountain).toBeChecked();
  // Equal tiles, each image inside its own bordered box.
  const tiles = [...canvas.getByRole('group').querySelectorAll('label')];
  const widths = new Set(tiles.map((tile) => Math.round(tile.getBoundingClientRect().width)));
  await expect(widths.size).toBe(1);
  for (const tile of tiles) {
    const box = tile.getBoundingClientRect();
    const image = (tile.querySelector('img') as HTMLImageElement).getBoundingClientRect();
    await expect(
      image.left >= box.left && image.right <= box.right && image.top >= box.top && image.bottom <= box.bottom,
    ).toBe(true);
  }
  // A visible selected state and a visible focus ring on the tile.
  const tile = mountain.closest('label') as HTMLElement;
  await expect(getComputedStyle(tile).boxShadow).not.toBe('none');
  await expect(getComputedStyle(tiles.find((t) => t !== tile) as HTMLElement).boxShadow).toBe('none');
  mountain.focus();
  await expect(getComputedStyle(tile).outlineStyle).toBe('solid');
});

const notRendered = (type: CredentialFieldType): Story =>
  single(type, async ({ canvas }) => {
    // Machine-provided values: nothing for a person to see or type, only the form's own button remains.
    await expect(canvas.queryByRole('textbox')).toBeNull();
    await expect(canvas.getAllByRole('button')).toHaveLength(1);
  });
export const Userkey = notRendered('USERKEY');
export const Oauth2Url = notRendered('OAUTH2_URL');
export const OauthAccessToken = notRendered('OAUTH_ACCESS_TOKEN');
export const OauthRefreshToken = notRendered('OAUTH_REFRESH_TOKEN');

/** Every credential type at once, pristine beside the same form after an empty submit (Radix "Chromatic" idea). */
export const Matrix: Story = {
  render: (_args, { loaded }) => {
    const fields = fieldsOf(loaded as Loaded, CREDENTIAL_FIELD_TYPES);
    return (
      <div style={{ display: 'grid', gap: 24, gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))' }}>
        <FieldForm fields={fields} title="Pristine" />
        <FieldForm fields={fields} title="After an empty submit" />
      </div>
    );
  },
  play: async ({ canvas }) => {
    const invalid = canvas.getByRole('form', { name: 'After an empty submit' });
    await userEvent.click(within(invalid).getByRole('button', { name: en.submit }));
    // Messages that read well whatever the label and the language: no "{label} is required".
    await expect((await within(invalid).findAllByText(en.fieldRequired))[0]).toBeVisible();
    await expect(within(invalid).getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
    await expect(within(invalid).getByLabelText('Username')).toHaveAccessibleDescription(en.fieldRequired);
    await expect(within(invalid).getAllByText(en.choiceRequired)[0]).toBeVisible();
    const pristine = canvas.getByRole('form', { name: 'Pristine' });
    await expect(within(pristine).queryByText(en.fieldRequired)).toBeNull();
  },
};
