import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useApiClient } from '../api/ApiClientProvider';
import { memberStatusQuery } from '../api/queries';
import { isPollingDone } from './connectionOutcomes';
import { useFlow, useTiming } from './flowContext';

/**
 * Polls a member's status and feeds every fresh answer to the flow, reporting changes to the host. Shared by the
 * connecting and OAuth steps. The query is keyed by the member alone; an answer cached by an earlier round (say the
 * CHALLENGED that opened the MFA step just answered) is never acted on: only answers fetched after this step appeared
 * count (`isFetchedAfterMount`).
 */
export function useMemberStatus(memberGuid: string | null, isOAuth: boolean, enabled = true) {
  const client = useApiClient();
  const { dispatch, emit } = useFlow();
  const { pollSchedule } = useTiming();
  const status = useQuery({
    ...memberStatusQuery(client, memberGuid ?? '', {
      schedule: pollSchedule,
      isDone: (answer) => isPollingDone(answer, isOAuth),
    }),
    enabled: enabled && memberGuid !== null,
  });
  const fresh = status.isFetchedAfterMount ? status.data : undefined;
  const lastReported = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (fresh === undefined) return;
    if (fresh.connection_status !== lastReported.current) {
      lastReported.current = fresh.connection_status;
      emit('memberStatusUpdate', { member_guid: fresh.guid, connection_status: fresh.connection_status ?? null });
    }
    dispatch({ type: 'statusReceived', status: fresh });
  }, [dispatch, emit, fresh, status.dataUpdatedAt]);
  return { data: fresh, isError: status.isError, refetch: status.refetch };
}
