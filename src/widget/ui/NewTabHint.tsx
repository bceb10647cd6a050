import { useCopy } from './copyContext';

/**
 * "(opens in a new tab)" for screen readers, placed last inside a link. The separating space lives inside the hidden
 * span: a space before it would be an underlined gap at the end of the visible link text ("MX Bank .").
 */
export function NewTabHint() {
  const t = useCopy();
  return <span className="mc-visually-hidden"> {t('opensInNewTab')}</span>;
}
