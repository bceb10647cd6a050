import { useController } from 'react-hook-form';

import { safeUrl } from '../lib/safeUrl';
import { useCopy } from '../ui/copyContext';
import { NewTabHint } from '../ui/NewTabHint';
import type { CredentialFieldProps } from './fieldTypes';
import { TextField } from './TextField';

/** HIDDEN: sent back as the institution gave it. */
export function HiddenField({ field, control }: CredentialFieldProps) {
  const { field: controlled } = useController({ name: field.guid, control });
  return (
    <input type="hidden" name={controlled.name} value={typeof controlled.value === 'string' ? controlled.value : ''} />
  );
}

/** URL, CONTENT_URL: a link in a new tab; nothing to enter. */
export function LinkField({ field }: CredentialFieldProps) {
  const href = safeUrl(field.url ?? field.value);
  if (href === undefined) return <p className="mc-text">{field.label}</p>;
  return (
    <p className="mc-text">
      <a href={href} target="_blank" rel="noopener noreferrer">
        {field.label}
        <NewTabHint />
      </a>
    </p>
  );
}

/** IMAGE_URL: an image described by its label; nothing to enter. */
export function ImageField({ field }: CredentialFieldProps) {
  const src = safeUrl(field.url ?? field.imageData ?? field.value);
  return src === undefined ? (
    <p className="mc-text">{field.label}</p>
  ) : (
    <img className="mc-image" src={src} alt={field.label} />
  );
}

/** IMAGE_DATA: the image, then a text answer labelled by the question. */
export function ImageDataField(props: CredentialFieldProps) {
  const t = useCopy();
  const src = safeUrl(props.field.imageData);
  return (
    <div className="mc-image-data">
      {/* Like a CAPTCHA, the picture gets a text alternative saying what it is (WCAG 1.1.1), not what it shows. */}
      {src !== undefined ? <img className="mc-image" src={src} alt={t('challengeImageAlt')} /> : null}
      <TextField {...props} />
    </div>
  );
}

/** USERKEY and the OAuth token types: machine values, never shown to or typed by a person. */
export function NotRenderedField(_props: CredentialFieldProps) {
  return null;
}
