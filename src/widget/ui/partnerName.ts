import type { ConnectPartner } from '../../contract/hostContract';
import type { Translate } from './copyContext';

/**
 * The partner's name for a message, or "This app" / "this app" when the host gave none: the fallback is capitalised
 * only where it starts a sentence (`start`).
 */
export function partnerName(t: Translate, partner: ConnectPartner | undefined, position: 'start' | 'inline'): string {
  const name = partner?.name.trim();
  if (name) return name;
  return t(position === 'start' ? 'partnerFallback' : 'partnerFallbackInline');
}
