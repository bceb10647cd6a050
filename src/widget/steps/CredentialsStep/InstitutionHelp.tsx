import { Fragment, type ReactNode } from 'react';

import type { Institution } from '../../../api/schemas';
import { safeUrl } from '../../lib/safeUrl';
import { useCopy } from '../../ui/copyContext';
import { MX_TEXT_LANG } from '../../ui/mxText';
import { NewTabHint } from '../../ui/NewTabHint';

/**
 * Institution instructional text may contain `<a>` tags (mx-platform.md §3.1). It is rendered as text, with only
 * http(s) links turned into real links: no HTML is ever parsed into the page.
 */
export function SafeRichText({ html }: { html: string }) {
  const parts: ReactNode[] = [];
  const pattern = /<a\b[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)<\/a>/gis;
  let last = 0;
  const stripTags = (text: string) => text.replace(/<[^>]*>/g, '');
  for (const match of html.matchAll(pattern)) {
    const index = match.index;
    parts.push(stripTags(html.slice(last, index)));
    const href = safeUrl(match[1]);
    const label = stripTags(match[2] ?? '');
    parts.push(
      href === undefined ? (
        label
      ) : (
        <a key={index} href={href} target="_blank" rel="noopener noreferrer">
          {label}
          <NewTabHint />
        </a>
      ),
    );
    last = index + match[0].length;
  }
  parts.push(stripTags(html.slice(last)));
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>{part}</Fragment>
      ))}
    </>
  );
}

/** Institutions often number their steps themselves ("Step 1: …"); inside an <ol> that would read "1. Step 1: …". */
export const withoutOwnNumber = (step: string): string =>
  step.replace(/^\s*(?:step\s*\d+\s*[:.)-]?|\d+\s*[.):-])\s*/i, '');

/**
 * What helps with the login, below the form (issue 12 §3: the fields come first): the institution's instructions,
 * folded away (they can be long), then the recovery links.
 */
export function InstitutionHelp({ institution }: { institution: Institution }) {
  const t = useCopy();
  const links = [
    { href: safeUrl(institution.forgot_password_url ?? undefined), label: t('forgotPassword') },
    { href: safeUrl(institution.forgot_username_url ?? undefined), label: t('forgotUsername') },
    { href: safeUrl(institution.trouble_signing_in_url ?? undefined), label: t('troubleSigningIn') },
    { href: safeUrl(institution.url ?? undefined), label: t('visitInstitution', { institution: institution.name }) },
  ].filter((link): link is { href: string; label: string } => link.href !== undefined);
  const steps = institution.instructional_text_steps ?? [];
  const hasInstructions = Boolean(institution.instructional_text) || steps.length > 0;
  if (!hasInstructions && links.length === 0) return null;
  return (
    <div className="mc-institution-help">
      {links.length > 0 ? (
        <ul className="mc-links">
          {links.map((link) => (
            <li key={link.label}>
              <a href={link.href} target="_blank" rel="noopener noreferrer">
                {link.label}
                <NewTabHint />
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {hasInstructions ? (
        <details className="mc-instructions">
          <summary>{t('institutionInstructions', { institution: institution.name })}</summary>
          {institution.instructional_text ? (
            <p className="mc-text" lang={MX_TEXT_LANG}>
              <SafeRichText html={institution.instructional_text} />
            </p>
          ) : null}
          {steps.length > 0 ? (
            <ol className="mc-steps" lang={MX_TEXT_LANG}>
              {steps.map((step, i) => (
                <li key={i}>
                  <SafeRichText html={withoutOwnNumber(step)} />
                </li>
              ))}
            </ol>
          ) : null}
        </details>
      ) : null}
    </div>
  );
}
