import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { createMemberMutation, oauthWindowUriMutation } from '../../../api/mutations';
import { institutionQuery } from '../../../api/queries';
import type { ConnectState } from '../../connectFlowReducer';
import { useFlow } from '../../flowContext';
import { safeUrl } from '../../lib/safeUrl';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { NewTabHint } from '../../ui/NewTabHint';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { useMemberStatus } from '../../useMemberStatus';

export interface OAuthStepProps {
  state: Extract<ConnectState, { step: 'oauth' }>;
}

/** How often an open bank window is checked for having been closed ("within a few seconds", issue 12 §5). */
const WINDOW_CHECK_MS = 1000;

/**
 * Opens the bank's page in a window the bank cannot use against the partner page (issue 13 item 9).
 *
 * `window.open(url, …, 'noopener')` would do that but returns null, and without a handle the widget could neither
 * notice that the person closed the window nor tell an open window from a blocked one. So the window is opened on
 * about:blank (same origin as us, synchronously inside the click, or browsers block it), disowned with
 * `opener = null` before it leaves for the bank, and only then sent there. The bank's page sees `window.opener ===
 * null` (checked in Chromium by test/e2e/experienceRecovery.e2e.test.ts); we keep our handle for `closed`, `focus()`
 * and `close()`. Completion is learnt from the member's status, never from a message: with no opener the bank's
 * completion page has no one to post to.
 */
function openDisownedWindow(name: string): Window | null {
  const popup = window.open('about:blank', name, 'popup,width=520,height=720');
  if (popup !== null) popup.opener = null;
  return popup;
}

export function OAuthStep({ state }: OAuthStepProps) {
  const { institutionCode, memberGuid, phase, windowUri } = state;
  const t = useCopy();
  const client = useApiClient();
  const { dispatch, emit, skipAggregation, idPrefix } = useFlow();
  const institution = useQuery(institutionQuery(client, institutionCode));
  const create = useMutation(createMemberMutation(client));
  const freshUri = useMutation(oauthWindowUriMutation(client));
  const popupRef = useRef<Window | null>(null);
  const isBusy = useRef(false);
  const isWindowOut = phase === 'waiting' || phase === 'blocked' || phase === 'windowClosed';
  const status = useMemberStatus(memberGuid, true, isWindowOut);
  const { refetch } = status;
  const name = institution.data?.name ?? institutionCode;

  useEffect(() => {
    if (phase === 'denied' && memberGuid !== null) {
      emit('oauthError', { member_guid: memberGuid, reason: status.data?.connection_status ?? 'DENIED' });
    }
    // Reported once per denial: only a change of phase reports again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [phase]);

  // A closed window is only noticed by looking. The status is read once more first: the bank's own completion page
  // closes the window too, and that must read as finished, not as "closed before you finished".
  useEffect(() => {
    if (phase !== 'waiting') return;
    const timer = window.setInterval(() => {
      if (popupRef.current?.closed !== true) return;
      window.clearInterval(timer);
      popupRef.current = null;
      void refetch().finally(() => dispatch({ type: 'oauthWindowClosed' }));
    }, WINDOW_CHECK_MS);
    return () => window.clearInterval(timer);
  }, [dispatch, phase, refetch]);

  const handleOpen = () => {
    if (isBusy.current) return;
    isBusy.current = true;
    popupRef.current?.close();
    const popup = openDisownedWindow(`${idPrefix}-oauth`);
    popupRef.current = popup;
    dispatch({ type: 'oauthOpening' });
    const uriPromise: Promise<{ guid: string; uri: string }> =
      memberGuid === null
        ? create
            .mutateAsync({ institutionCode, credentials: [], isOAuth: true, skipAggregation })
            .then(async (member) => {
              dispatch({ type: 'oauthStarted', memberGuid: member.guid, isNew: true });
              return {
                guid: member.guid,
                uri: member.oauth_window_uri ?? (await client.getOAuthWindowUri(member.guid, skipAggregation)),
              };
            })
        : // Each OAuth URL works once: every opening asks for a fresh one.
          freshUri.mutateAsync({ guid: memberGuid, skipAggregation }).then((uri) => {
            dispatch({ type: 'oauthStarted', memberGuid, isNew: false });
            return { guid: memberGuid, uri };
          });
    uriPromise
      .then(({ guid, uri }) => {
        const href = safeUrl(uri);
        if (href === undefined) throw new Error('Unusable OAuth URL.');
        emit('oauthRequested', { member_guid: guid, url: href });
        const isBlocked = popup === null || popup.closed;
        if (!isBlocked) popup.location.replace(href);
        dispatch({ type: 'oauthWindowReady', windowUri: href, isBlocked });
      })
      .catch(() => {
        popup?.close();
        popupRef.current = null;
        dispatch({ type: 'oauthFailed' });
      })
      .finally(() => {
        isBusy.current = false;
      });
  };

  const handleCancel = () => {
    popupRef.current?.close();
    dispatch({ type: 'backRequested' });
  };

  const failure = create.error ?? freshUri.error;
  let notice = null;
  let primary = { label: t('oauthContinue', { institution: name }), onClick: handleOpen };
  switch (phase) {
    case 'idle':
    case 'opening':
      break;
    case 'waiting':
      notice = <StatusMessage busy>{t('oauthWaiting', { institution: name })}</StatusMessage>;
      // The window is legitimately open: bring it back to the front rather than offering to "try again".
      primary = { label: t('oauthShowWindow', { institution: name }), onClick: () => popupRef.current?.focus() };
      break;
    case 'blocked':
      notice =
        windowUri === null ? null : (
          <div className="mc-notice" role="alert">
            <p>{t('oauthBlocked')}</p>
            <p>
              <a href={windowUri} target="_blank" rel="noopener noreferrer" className="mc-button mc-button-primary">
                {t('oauthLink', { institution: name })}
                <NewTabHint />
              </a>
            </p>
          </div>
        );
      break;
    case 'windowClosed':
      notice = (
        <ErrorMessage title={t('oauthWindowClosed', { institution: name })}>{t('oauthWindowClosedBody')}</ErrorMessage>
      );
      primary = { label: t('oauthReopen', { institution: name }), onClick: handleOpen };
      break;
    case 'denied':
      notice = (
        <ErrorMessage title={t('oauthError', { institution: name })}>
          {t('oauthDeniedBody', { institution: name })}
        </ErrorMessage>
      );
      primary = { label: t('retry'), onClick: handleOpen };
      break;
    case 'failed':
      notice = (
        <ErrorMessage title={t('oauthError', { institution: name })}>
          <p>{describeError(t, failure)}</p>
        </ErrorMessage>
      );
      primary = { label: t('retry'), onClick: handleOpen };
      break;
    default:
      phase satisfies never;
  }
  const isOpening = phase === 'opening' || institution.isPending;

  return (
    <StepLayout
      title={t('oauthHeading', { institution: name })}
      state={phase}
      logo={
        <InstitutionLogo
          url={institution.data?.medium_logo_url}
          name={name}
          alt={t('logoAlt', { institution: name })}
        />
      }
    >
      <p className="mc-text">{t('oauthIntro', { institution: name })}</p>
      {notice}
      {status.isError ? <ErrorMessage>{t('statusPollError')}</ErrorMessage> : null}
      <div className="mc-actions">
        {phase !== 'blocked' ? (
          <button
            type="button"
            className="mc-button mc-button-primary"
            // aria-disabled, not disabled: a disabled button drops keyboard focus to <body> (issue 12 §6).
            aria-disabled={isOpening || undefined}
            onClick={isOpening ? undefined : primary.onClick}
          >
            {primary.label}
          </button>
        ) : null}
        <button type="button" className="mc-button mc-button-secondary" onClick={handleCancel}>
          {t('chooseAnotherBank')}
        </button>
      </div>
    </StepLayout>
  );
}
