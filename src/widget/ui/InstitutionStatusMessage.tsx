import { useQuery } from '@tanstack/react-query';

import { useApiClient } from '../../api/ApiClientProvider';
import { memberQuery } from '../../api/queries';
import type { ConnectionErrorKind } from '../connectionOutcomes';
import { useCopy } from './copyContext';
import { MX_TEXT_LANG } from './mxText';

/**
 * The failures whose cause lives at the institution, where its own words can tell the person something our sentence
 * cannot (what to do at the bank, why it cannot be connected). A wrong or late MFA answer is the whole story already:
 * MX's text for it ("The answer you provided was incorrect.") would only say our sentence again.
 */
const KINDS_WITH_BANK_DETAILS: ReadonlySet<ConnectionErrorKind> = new Set([
  'actionAtInstitution',
  'institutionProblem',
  'unavailable',
]);

/**
 * The institution's own `connection_status_message` for the member (product.md: "with the reason"), folded under
 * "Message from {institution}" below the widget's sentence: it is MX's English and often says nearly what our sentence
 * says (LOCKED), so it is there for whoever wants the bank's words and never reads as a second version of ours
 * (issue 12 §6). Only the member resource carries it, not the status. Always a text node: React never parses it as HTML.
 */
export function InstitutionStatusMessage({
  memberGuid,
  kind,
  institution,
}: {
  memberGuid: string;
  kind: ConnectionErrorKind;
  institution: string;
}) {
  const t = useCopy();
  const client = useApiClient();
  const hasDetails = KINDS_WITH_BANK_DETAILS.has(kind);
  const member = useQuery({ ...memberQuery(client, memberGuid), enabled: hasDetails, retry: false });
  const message = member.data?.connection_status_message?.trim();
  return hasDetails && message ? (
    <details className="mc-details">
      <summary>{t('institutionMessage', { institution })}</summary>
      <p className="mc-text mc-institution-message" lang={MX_TEXT_LANG}>
        {message}
      </p>
    </details>
  ) : null;
}
