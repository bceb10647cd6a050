import { type ConnectionStatus, isConnectionStatus } from './mxEnums';

/** What the widget does for a member status (product.md, "What each connection_status leads to"). */
export type ConnectionOutcome =
  | 'pending'
  | 'connected'
  | 'challenged'
  | 'rejected'
  | 'expired'
  | 'credentialsNeeded'
  | 'actionAtInstitution'
  | 'institutionProblem'
  | 'unavailable'
  | 'oauth';

/**
 * The compiler rejects this table unless every one of MX's 22 statuses has an outcome. What each outcome shows (step,
 * polling, exit reason, copy) is the widget's `OUTCOME_SCREENS`, `src/widget/connectionOutcomes.ts`.
 */
export const CONNECTION_OUTCOMES = {
  CREATED: 'pending',
  UPDATED: 'pending',
  RESUMED: 'pending',
  RECONNECTED: 'pending',
  DELAYED: 'pending',
  CONNECTED: 'connected',
  CHALLENGED: 'challenged',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  DENIED: 'credentialsNeeded',
  PREVENTED: 'credentialsNeeded',
  IMPAIRED: 'credentialsNeeded',
  IMPORTED: 'credentialsNeeded',
  LOCKED: 'actionAtInstitution',
  IMPEDED: 'actionAtInstitution',
  FAILED: 'institutionProblem',
  DEGRADED: 'institutionProblem',
  DISCONNECTED: 'institutionProblem',
  DISCONTINUED: 'unavailable',
  CLOSED: 'unavailable',
  DISABLED: 'unavailable',
  PENDING: 'oauth',
} as const satisfies Record<ConnectionStatus, ConnectionOutcome>;

/**
 * The outcome for the latest status. Any status while a job runs means "keep polling", except CHALLENGED and PENDING:
 * those wait for the user, and MX reports a challenged job as still aggregating.
 */
export function connectionOutcome(status: {
  connection_status?: string | null | undefined;
  is_being_aggregated?: boolean | null | undefined;
}): ConnectionOutcome {
  const raw = status.connection_status ?? null;
  // A status MX adds later, or none (manual member): keep polling while a job runs, otherwise treat as a failure
  // the user can retry rather than spinning forever.
  if (raw === null || !isConnectionStatus(raw))
    return status.is_being_aggregated === true ? 'pending' : 'institutionProblem';
  const outcome: ConnectionOutcome = CONNECTION_OUTCOMES[raw];
  if (status.is_being_aggregated === true && outcome !== 'challenged' && outcome !== 'oauth') return 'pending';
  return outcome;
}
