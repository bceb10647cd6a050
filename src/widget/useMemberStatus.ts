import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';

import { useApiClient } from '../api/ApiClientProvider';
import { memberKeys, memberStatusQuery, pollDelay } from '../api/queries';
import type { MemberStatus } from '../api/schemas';
import { connectionOutcome } from '../mx/connectionOutcome';
import { isPollingDone } from './connectionOutcomes';
import { useFlow, useTiming } from './flowContext';
import { canStream, readHeldStatus } from './statusStream';

/**
 * Seeds not yet claimed, per query client: member guid → the `dataUpdatedAt` of the status written from a mutation's
 * answer. The next step that polls the member claims it at mount; any later step finds it gone.
 */
const unclaimedSeeds = new WeakMap<QueryClient, Map<string, number>>();

/**
 * A create, update, resume or aggregate answer that says the job is running is already the status the connecting step
 * would ask for first: it goes into the status query, so that step reads it and polls next after the usual delay
 * instead of asking at once (issue 16 §3). Anything else (done, waiting for the person) is not seeded: the step asks.
 */
export function seedMemberStatus(
  queryClient: QueryClient,
  member: Pick<MemberStatus, 'guid' | 'connection_status' | 'is_being_aggregated'>,
): void {
  if (member.is_being_aggregated !== true || connectionOutcome(member) !== 'pending') return;
  const key = memberKeys.status(member.guid);
  queryClient.setQueryData<MemberStatus>(key, {
    guid: member.guid,
    connection_status: member.connection_status,
    is_being_aggregated: true,
  });
  const seeds = unclaimedSeeds.get(queryClient) ?? new Map<string, number>();
  unclaimedSeeds.set(queryClient, seeds);
  seeds.set(member.guid, queryClient.getQueryState(key)?.dataUpdatedAt ?? 0);
}

/**
 * Polls a member's status and feeds every fresh answer to the flow, reporting changes to the host. Shared by the
 * connecting and OAuth steps. The query is keyed by the member alone; an answer cached by an earlier round (say the
 * CHALLENGED that opened the MFA step just answered) is never acted on: only answers fetched after this step appeared
 * count (`isFetchedAfterMount`), and a seed (`seedMemberStatus`) written for this step just before it appeared.
 */
export function useMemberStatus(memberGuid: string | null, isOAuth: boolean, enabled = true) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { dispatch, emit, heldStatus } = useFlow();
  const { pollSchedule } = useTiming();
  // Claimed once, at mount, and only while the cache still holds that very seed (no fetch has replaced it).
  const [seededAt] = useState(() => {
    if (memberGuid === null) return undefined;
    const at = unclaimedSeeds.get(queryClient)?.get(memberGuid);
    return at !== undefined && queryClient.getQueryState(memberKeys.status(memberGuid))?.dataUpdatedAt === at
      ? at
      : undefined;
  });
  useEffect(() => {
    if (seededAt === undefined || memberGuid === null) return;
    const seeds = unclaimedSeeds.get(queryClient);
    if (seeds?.get(memberGuid) === seededAt) seeds.delete(memberGuid);
  }, [memberGuid, queryClient, seededAt]);
  // The proxy's status stream when it has one (docs/proxy.md), held by the flow across steps (through MFA): this step
  // reads it and lets it go on; polling otherwise, or once the stream gave up.
  const [isStreaming, setStreaming] = useState(() => canStream(client));
  const isActive = enabled && memberGuid !== null;
  useEffect(() => {
    if (!isActive || !isStreaming || memberGuid === null) return;
    return readHeldStatus(heldStatus, {
      client,
      queryClient,
      memberGuid,
      isOAuth,
      retryDelayMs: (failures) => pollDelay(pollSchedule, Math.max(0, failures - 1)),
      onFallback: () => setStreaming(false),
    });
  }, [client, heldStatus, isActive, isOAuth, isStreaming, memberGuid, pollSchedule, queryClient]);
  const status = useQuery({
    ...memberStatusQuery(client, memberGuid ?? '', {
      schedule: pollSchedule,
      isDone: (answer) => isPollingDone(answer, isOAuth),
    }),
    enabled: isActive && !isStreaming,
    // A claimed seed is this step's first answer, fresh for one poll delay: no request at mount, nor when polling
    // takes over from a stream the proxy does not have; the next poll waits the usual delay.
    staleTime: seededAt === undefined ? 0 : pollDelay(pollSchedule, 0),
  });
  const isFresh = status.isFetchedAfterMount || (seededAt !== undefined && status.dataUpdatedAt === seededAt);
  const fresh = isFresh ? status.data : undefined;
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
