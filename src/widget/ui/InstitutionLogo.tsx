import { useState } from 'react';

import { safeUrl } from '../lib/safeUrl';

/** The institution's logo, or its initial when there is none or it fails to load. */
export function InstitutionLogo({
  url,
  name,
  alt = '',
}: {
  url: string | null | undefined;
  name: string;
  alt?: string;
}) {
  const [failed, setFailed] = useState(false);
  const src = safeUrl(url ?? undefined);
  if (src === undefined || failed) {
    return (
      <span
        className="mc-logo mc-logo-fallback"
        role={alt === '' ? undefined : 'img'}
        aria-label={alt === '' ? undefined : alt}
        aria-hidden={alt === '' ? true : undefined}
      >
        {name.trim().charAt(0).toUpperCase() || '?'}
      </span>
    );
  }
  return <img className="mc-logo" src={src} alt={alt} width={40} height={40} onError={() => setFailed(true)} />;
}
