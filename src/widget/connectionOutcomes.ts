import type { ConnectExitReason } from '../contract/hostContract';
import { type ConnectionOutcome, connectionOutcome } from '../mx/connectionOutcome';
import type { ConnectionStatus } from '../mx/mxEnums';
import type { MessageId } from './copy';

/*
 * Status → screen (product.md, "What each connection_status leads to"). Two tables read together: each of MX's 22
 * statuses names an outcome in `CONNECTION_OUTCOMES` (`src/mx/connectionOutcome.ts`, shared with the proxy's status
 * stream, which ends a stream by the same rule), and `OUTCOME_SCREENS` below says per outcome which step it leads to,
 * whether the status poll goes on, what closing the widget there reports and the copy it shows. The compiler rejects
 * either table unless it covers every status and every outcome. The reducer (`applyStatus`), the poll
 * (`isPollingDone`) and the error and credentials steps read them; nothing else decides these.
 */

/** The error screen's words and ways forward. */
interface ErrorCopy {
  title: MessageId;
  body: MessageId;
  /** A new aggregation can fix it (`POST /members/{guid}/aggregate`); for LOCKED/IMPEDED once fixed at the bank. */
  retry: MessageId | null;
  linkToInstitution: boolean;
}

/** The form's alert after the bank refused the login: one title, one sentence per status. */
interface RejectionCopy {
  title: MessageId;
  byStatus: Partial<Record<ConnectionStatus, MessageId>>;
  fallback: MessageId;
}

interface OutcomeScreen {
  /** Where the connecting step goes. The reducer's two exceptions: REJECTED with a new challenge asks again (`mfa`);
   * on the OAuth step, `oauth` and `credentialsNeeded` stay there (the step shows a denial itself). */
  step: 'connectionStatus' | 'connected' | 'mfa' | 'credentials' | 'oauth' | 'connectionError';
  /** `continues`: keep polling; `stops`; `continuesInOAuth`: stops, except while an OAuth window is out (a retried
   * consent in a new window can still turn a PENDING or DENIED member into a connected one). */
  polling: 'continues' | 'stops' | 'continuesInOAuth';
  /** What `onExit` reports when the person closes the widget on that screen; null: closing is not offered (onSuccess). */
  exitReason: ConnectExitReason | null;
  /** Copy that depends on the outcome; null: the step's own heading and text. */
  copy: ErrorCopy | RejectionCopy | null;
}

export const OUTCOME_SCREENS = {
  pending: { step: 'connectionStatus', polling: 'continues', exitReason: 'userCancelled', copy: null },
  connected: { step: 'connected', polling: 'stops', exitReason: null, copy: null },
  challenged: { step: 'mfa', polling: 'stops', exitReason: 'userCancelled', copy: null },
  rejected: {
    step: 'connectionError',
    polling: 'stops',
    exitReason: 'userCancelled',
    copy: { title: 'rejectedTitle', body: 'rejectedBody', retry: 'startAgain', linkToInstitution: false },
  },
  expired: {
    step: 'connectionError',
    polling: 'stops',
    exitReason: 'userCancelled',
    copy: { title: 'expiredTitle', body: 'expiredBody', retry: 'startAgain', linkToInstitution: false },
  },
  credentialsNeeded: {
    step: 'credentials',
    polling: 'continuesInOAuth',
    exitReason: 'userCancelled',
    copy: {
      title: 'deniedTitle',
      byStatus: {
        DENIED: 'deniedReason',
        PREVENTED: 'preventedReason',
        IMPAIRED: 'impairedReason',
        IMPORTED: 'importedReason',
      },
      fallback: 'deniedFallback',
    },
  },
  actionAtInstitution: {
    step: 'connectionError',
    polling: 'stops',
    exitReason: 'actionRequired',
    copy: { title: 'actionTitle', body: 'actionBody', retry: 'retry', linkToInstitution: true },
  },
  institutionProblem: {
    step: 'connectionError',
    polling: 'stops',
    exitReason: 'institutionError',
    copy: { title: 'problemTitle', body: 'problemBody', retry: 'retry', linkToInstitution: false },
  },
  unavailable: {
    step: 'connectionError',
    polling: 'stops',
    exitReason: 'connectionUnavailable',
    copy: { title: 'unavailableTitle', body: 'unavailableBody', retry: null, linkToInstitution: false },
  },
  oauth: { step: 'oauth', polling: 'continuesInOAuth', exitReason: 'userCancelled', copy: null },
} as const satisfies Record<ConnectionOutcome, OutcomeScreen>;

type Screens = typeof OUTCOME_SCREENS;

/** The outcomes shown on the error screen: derived from the table, so a row that changes step changes this too. */
type StatusErrorKind = {
  [K in ConnectionOutcome]: Screens[K]['step'] extends 'connectionError' ? K : never;
}[ConnectionOutcome];

/**
 * The error screen's one cause that is not a status: in verification mode MX refused the verification job (400, the
 * institution does not support it). It sits beside the status rows so the error step and `onExit` read one table.
 */
const REFUSAL_SCREENS = {
  verificationUnavailable: {
    exitReason: 'connectionUnavailable',
    copy: {
      title: 'verificationUnavailableTitle',
      body: 'verificationUnavailableBody',
      retry: null,
      linkToInstitution: false,
    },
  },
} as const satisfies Record<string, { exitReason: ConnectExitReason; copy: ErrorCopy }>;

export type ConnectionErrorKind = StatusErrorKind | keyof typeof REFUSAL_SCREENS;

export const isConnectionError = (outcome: ConnectionOutcome): outcome is StatusErrorKind =>
  OUTCOME_SCREENS[outcome].step === 'connectionError';

/** What the error screen shows for `kind` and what closing it reports. */
export const errorScreen = (kind: ConnectionErrorKind): { exitReason: ConnectExitReason; copy: ErrorCopy } =>
  kind === 'verificationUnavailable' ? REFUSAL_SCREENS[kind] : OUTCOME_SCREENS[kind];

/** The sentence under "The credentials were not accepted." for the status that sent the person back to the form. */
export const rejectionCopy = (status: ConnectionStatus): MessageId => {
  const { byStatus, fallback } = OUTCOME_SCREENS.credentialsNeeded.copy;
  return (byStatus as RejectionCopy['byStatus'])[status] ?? fallback;
};

/** Whether the status poll stops on this answer (the `polling` column); `isOAuth`: an OAuth window is out. */
export const isPollingDone = (
  status: Parameters<typeof connectionOutcome>[0] | undefined,
  isOAuth: boolean,
): boolean => {
  if (status === undefined) return false;
  const { polling } = OUTCOME_SCREENS[connectionOutcome(status)];
  return polling === 'stops' || (polling === 'continuesInOAuth' && !isOAuth);
};
