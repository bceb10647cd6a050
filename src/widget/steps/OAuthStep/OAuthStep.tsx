import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { createMemberMutation, oauthWindowUriMutation } from '../../../api/mutations';
import { connectionOutcome } from '../../../api/connectionOutcome';
import { institutionQuery, memberKeys } from '../../../api/queries';
import { safeUrl } from '../../lib/safeUrl';
import { useFlow } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { useMemberStatus } from '../ConnectionStatusStep/ConnectionStatusStep';
import { NewTabHint } from '../../ui/NewTabHint';

export interface OAuthStepProps {
  institutionCode: string;
  memberGuid: string | null;
  attempt: number;
}

type OAuthPhase = 'idle' | 'opening' | 'waiting' | 'blocked' | 'failed';

const originOf = (uri: string): string | null => {
  try {
    return new URL(uri).origin;
  } catch {
    return null;
  }
};

/** MX's completion page message (mx-platform.md §8): `{ mx: true, type: 'oauthComplete/success' | '.../error' }`. */
const readOAuthMessage = (data: unknown): 'success' | 'error' | null => {
  if (typeof data !== 'object' || data === null) return null;
  const type = (data as { type?: unknown }).type;
  if (type === 'oauthComplete/success' || type === 'mx/oauthComplete/success') return 'success';
  if (type === 'oauthComplete/error' || type === 'mx/oauthComplete/error') return 'error';
  return null;
};

export function OAuthStep({ institutionCode, memberGuid, attempt }: OAuthStepProps) {
  const t = useCopy();
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { dispatch, emit, skipAggregation, idPrefix } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const create = useMutation(createMemberMutation(client));
  const freshUri = useMutation(oauthWindowUriMutation(client));
  const [phase, setPhase] = useState<OAuthPhase>('idle');
  const [windowUri, setWindowUri] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const popupRef = useRef<Window | null>(null);
  const isBusy = useRef(false);
  const status = useMemberStatus(memberGuid, attempt, true, phase === 'waiting' || phase === 'blocked');
  const name = institution.data?.name ?? institutionCode;
  const reportedAttempt = useRef<number | null>(null);
  const reportDenial = useCallback(
    (guid: string, reason: string) => {
      if (reportedAttempt.current === attempt) return;
      reportedAttempt.current = attempt;
      emit('oauthError', { member_guid: guid, reason });
    },
    [attempt, emit],
  );

  // A denial counts when the member turns DENIED during this window's attempt; a member denied before a retry
  // stays DENIED until the new consent, which must not read as a second denial.
  // 'fresh': the member was just created (PENDING), so any denial is this window's.
  const [attemptSawOpen, setAttemptSawOpen] = useState<number | 'fresh' | null>(null);
  const outcome = status.data === undefined ? null : connectionOutcome(status.data);
  if (outcome !== null && outcome !== 'credentialsNeeded' && attemptSawOpen !== attempt) setAttemptSawOpen(attempt);
  const isDenied = outcome === 'credentialsNeeded' && (attemptSawOpen === attempt || attemptSawOpen === 'fresh');
  const shownPhase: OAuthPhase = isDenied && phase !== 'opening' ? 'failed' : phase;
  const deniedStatus = status.data?.connection_status ?? 'DENIED';
  useEffect(() => {
    if (isDenied && memberGuid !== null) reportDenial(memberGuid, deniedStatus);
  }, [deniedStatus, isDenied, memberGuid, reportDenial]);

  // The completion page posts to us; only the popup we opened, on the OAuth URL's origin, is believed.
  useEffect(() => {
    const expectedOrigin = windowUri === null ? null : originOf(windowUri);
    if (expectedOrigin === null || memberGuid === null) return;
    const handleMessage = (event: MessageEvent) => {
      if (event.origin !== expectedOrigin || popupRef.current === null || event.source !== popupRef.current) return;
      const result = readOAuthMessage(event.data);
      if (result === 'success') {
        void queryClient.invalidateQueries({ queryKey: memberKeys.status(memberGuid, attempt) });
      } else if (result === 'error') {
        const reason = (event.data as { metadata?: { error_reason?: unknown } }).metadata?.error_reason;
        reportDenial(memberGuid, typeof reason === 'string' ? reason : 'UNKNOWN');
        setPhase('failed');
      }
    };
    window.addEventListener('message', handleMessage);
    return () => window.removeEventListener('message', handleMessage);
  }, [attempt, memberGuid, queryClient, reportDenial, windowUri]);

  const handleContinue = () => {
    if (isBusy.current) return;
    isBusy.current = true;
    // Opened synchronously inside the click, before any await, or browsers block it (prior-art.md §10.14).
    const popup = window.open('about:blank', `${idPrefix}-oauth`, 'popup,width=520,height=720');
    popupRef.current = popup;
    setPhase('opening');
    setFailure(null);
    const uriPromise: Promise<{ guid: string; uri: string }> =
      memberGuid === null
        ? create.mutateAsync({ institutionCode, credentials: [], isOAuth: true, skipAggregation }).then(async (member) => {
            setAttemptSawOpen('fresh');
            dispatch({ type: 'oauthStarted', memberGuid: member.guid });
            return { guid: member.guid, uri: member.oauth_window_uri ?? (await client.getOAuthWindowUri(member.guid)) };
          })
        : // Each OAuth URL works once: a retry always asks for a fresh one.
          freshUri.mutateAsync(memberGuid).then((uri) => {
            setAttemptSawOpen(null);
            dispatch({ type: 'oauthStarted', memberGuid });
            return { guid: memberGuid, uri };
          });
    uriPromise
      .then(({ guid, uri }) => {
        const href = safeUrl(uri);
        if (href === undefined) throw new Error('Unusable OAuth URL.');
        setWindowUri(href);
        emit('oauthRequested', { member_guid: guid, url: href });
        if (popup !== null && !popup.closed) {
          popup.location.replace(href);
          setPhase('waiting');
        } else {
          setPhase('blocked');
        }
      })
      .catch((error: unknown) => {
        popup?.close();
        popupRef.current = null;
        setFailure(error instanceof Error ? error : new Error(String(error)));
        setPhase('failed');
      })
      .finally(() => {
        isBusy.current = false;
      });
  };

  const handleCancel = () => {
    popupRef.current?.close();
    dispatch({ type: 'backRequested' });
  };

  return (
    <StepLayout
      title={t('oauthHeading', { institution: name })}
      state={shownPhase}
      logo={<InstitutionLogo url={institution.data?.medium_logo_url} name={name} alt={t('logoAlt', { institution: name })} />}
    >
      <p className="mc-text">{t('oauthIntro', { institution: name })}</p>
      {shownPhase === 'waiting' ? <StatusMessage busy>{t('oauthWaiting', { institution: name })}</StatusMessage> : null}
      {shownPhase === 'blocked' && windowUri !== null ? (
        <div className="mc-notice" role="alert">
          <p>{t('oauthBlocked')}</p>
          <p>
            <a href={windowUri} target="_blank" rel="opener" className="mc-button mc-button-primary">
              {t('oauthLink', { institution: name })}<NewTabHint />
            </a>
          </p>
        </div>
      ) : null}
      {shownPhase === 'failed' ? (
        <ErrorMessage title={t('oauthError', { institution: name })}>
          {failure !== null ? <p>{describeError(t, failure)}</p> : null}
        </ErrorMessage>
      ) : null}
      {status.isError ? <ErrorMessage>{t('statusPollError')}</ErrorMessage> : null}
      <div className="mc-actions">
        {shownPhase !== 'blocked' ? (
          <button
            type="button"
            className="mc-button mc-button-primary"
            disabled={phase === 'opening' || institution.isPending}
            onClick={handleContinue}
          >
            {shownPhase === 'failed' || shownPhase === 'waiting' ? t('retry') : t('oauthContinue', { institution: name })}
          </button>
        ) : null}
        <button type="button" className="mc-button mc-button-secondary" onClick={handleCancel}>
          {t('oauthCancel')}
        </button>
      </div>
    </StepLayout>
  );
}
