import { useQuery } from '@tanstack/react-query';

import { useApiClient } from '../../api/ApiClientProvider';
import { memberQuery } from '../../api/queries';
import { MX_TEXT_LANG } from './mxText';

/**
 * The institution's own `connection_status_message` for the member, under the widget's wording (product.md: "with
 * the reason"). Only the member resource carries it, not the status. Always a text node: React never parses it as HTML.
 */
export function InstitutionStatusMessage({ memberGuid }: { memberGuid: string | null }) {
  const client = useApiClient();
  const member = useQuery({ ...memberQuery(client, memberGuid ?? ''), enabled: memberGuid !== null, retry: false });
  const message = member.data?.connection_status_message?.trim();
  return message ? (
    <p className="mc-text mc-institution-message" lang={MX_TEXT_LANG}>
      {message}
    </p>
  ) : null;
}
