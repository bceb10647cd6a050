import { createContext, type Dispatch, useContext } from 'react';

import { DEFAULT_POLL_SCHEDULE, type PollSchedule } from '../api/queries';
import type { ConnectDataScope, ConnectMode, ConnectPartner, EmitEvent } from '../contract/hostContract';
import type { ConnectFlowEvent } from './connectFlowReducer';
import type { HeldStatusSlot } from './statusStream';

/** What the user typed that is worth keeping across steps. Never holds passwords or MFA answers. */
export interface FlowDraft {
  searchTerm: string;
  /** The institution picked last: Back to search puts focus on it again (issue 12 §6). Taken once, then forgotten. */
  chosenInstitution?: string | undefined;
  /** Non-secret credential values by guid, restored when the form comes back after a rejection. */
  credentialValues: Record<string, string | boolean>;
}

/** Keeps the draft outside React state: saving it must not re-render, reading it happens when a step mounts. */
export interface DraftStore {
  read(): FlowDraft;
  save(patch: Partial<FlowDraft>): void;
}
export function createDraftStore(): DraftStore {
  let draft: FlowDraft = { searchTerm: '', credentialValues: {} };
  return {
    read: () => draft,
    save: (patch) => {
      draft = { ...draft, ...patch };
    },
  };
}

export interface FlowContextValue {
  dispatch: Dispatch<ConnectFlowEvent>;
  emit: EmitEvent;
  idPrefix: string;
  draft: DraftStore;
  skipAggregation: boolean;
  mode: ConnectMode;
  /** Who asks for the connection (consent and success screens). */
  partner: ConnectPartner | undefined;
  /** What the consent screen lists; empty means the default list. */
  dataRequested: readonly ConnectDataScope[];
  /** The status stream held for the member the flow waits on, across its steps; ended when the flow leaves it. */
  heldStatus: HeldStatusSlot;
}

export const FlowContext = createContext<FlowContextValue | null>(null);

export function useFlow(): FlowContextValue {
  const value = useContext(FlowContext);
  if (value === null) throw new Error('useFlow must be used inside <ConnectWidget>.');
  return value;
}

/** Timings the widget runs on. Tests and stories shorten them; hosts never need to. */
export interface ConnectTiming {
  pollSchedule: PollSchedule;
  searchDebounceMs: number;
  /** Per-request deadline; past it the request fails as a timeout. */
  requestTimeoutMs: number;
  /**
   * Wait before the n-th retry of a failed read when the server sent no `Retry-After` (which is always honoured).
   * Tests and stories shorten it. @default DEFAULT_RETRY_BACKOFF (1 s, 2 s, 4 s)
   */
  retryBackoff?: (failureCount: number) => number;
}
export const DEFAULT_TIMING: ConnectTiming = {
  pollSchedule: DEFAULT_POLL_SCHEDULE,
  searchDebounceMs: 300,
  requestTimeoutMs: 30_000,
};
export const ConnectTimingContext = createContext<ConnectTiming>(DEFAULT_TIMING);
export const useTiming = (): ConnectTiming => useContext(ConnectTimingContext);

/**
 * True where a mount is one session: the SDK's frame, whose host hears exactly one `onSuccess` or `onExit` per mount.
 * There the success screen ends at Done (the host's `onDone`) and offers no "Connect another account": a second session
 * would run where the host cannot hear how it ends. The host mounts again for another account.
 */
export const OneSessionPerMountContext = createContext(false);
