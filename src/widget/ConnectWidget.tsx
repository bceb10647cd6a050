import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import {
  Component,
  type ErrorInfo,
  forwardRef,
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

import { ApiClientProvider } from '../api/ApiClientProvider';
import { createApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import { DEFAULT_RETRY_BACKOFF, retryDelayWith, shouldRetry } from '../api/queries';
import {
  type ConnectColorScheme,
  type ConnectDataScope,
  type ConnectEvent,
  type ConnectExitResult,
  type ConnectLocale,
  type ConnectMode,
  type ConnectPartner,
  type ConnectSuccessResult,
  type ConnectTheme,
  type EmitEvent,
  toConnectEvent,
} from '../contract/hostContract';
import { ConnectFlow, type ConnectWidgetHandle } from './ConnectFlow';
import { type ConnectMessages, en, loadMessages } from './copy';
import { useTiming } from './flowContext';
import { themeStyle } from './theme';
import { CopyContext } from './ui/copyContext';
import { Spinner } from './ui/StepLayout';
import type { FlowHost } from './useConnectFlow';

export interface ConnectWidgetProps {
  /** Where the partner mounted `createConnectProxy()`, e.g. `/api/connect`. */
  proxyUrl: string;
  /**
   * Sent as `Authorization: Bearer`. A function is called again once when the proxy answers 401; a second 401 ends
   * the session with `onExit({ reason: 'sessionExpired' })`. Without it the widget relies on same-origin cookies.
   */
  sessionToken?: string | (() => string | Promise<string>);
  /** Start at this institution's login instead of search. */
  institutionCode?: string;
  /** Update mode: re-enter credentials for this existing member (takes priority over `institutionCode`). */
  memberGuid?: string;
  /** Create/update the member without starting an aggregation. Ignored in verification mode. @default false */
  skipAggregation?: boolean;
  /**
   * `verification`: run MX's verification job instead of an aggregation, then let the person choose one checking or
   * savings account; `onSuccess` names it in `account`. Account and routing numbers never reach the browser: your
   * backend reads them with `readAccountNumbers` (`member-connect/server`).
   * @default 'aggregation'
   */
  mode?: ConnectMode;
  /** @default 'en' */
  locale?: ConnectLocale;
  /** Overrides for any message id of the chosen locale. */
  messages?: Partial<ConnectMessages>;
  /** @default 'system' */
  colorScheme?: ConnectColorScheme;
  theme?: Partial<ConnectTheme>;
  /** Accepted for hosts that pass one everywhere; the widget injects no style or script, so it needs none. */
  cspNonce?: string;
  /**
   * Who asks for the connection, named on the consent and success screens. `logoUrl` must be an absolute http(s)
   * URL. Without it the widget says "This app".
   * @example partner={{ name: 'Fernway', logoUrl: 'https://fernway.example/logo.svg', privacyPolicyUrl: 'https://fernway.example/privacy' }}
   */
  partner?: ConnectPartner;
  /** Start without the consent screen (your app has already asked for consent). @default false */
  skipConsent?: boolean;
  /**
   * The data your app will read, listed on the consent screen.
   * @default ['accountDetails', 'balances', 'transactions']
   */
  dataRequested?: readonly ConnectDataScope[];
  onSuccess?: (result: ConnectSuccessResult) => void;
  onExit?: (result: ConnectExitResult) => void;
  onEvent?: (event: ConnectEvent) => void;
  /**
   * The person pressed Done on the success screen (after `onSuccess`): hide or close the widget. Inline, the widget
   * then offers "Connect another account", which starts a new session with its own `onSuccess`/`onExit`.
   */
  onDone?: () => void;
}

const NO_SCOPES: readonly ConnectDataScope[] = [];

type Callbacks = Pick<ConnectWidgetProps, 'onSuccess' | 'onExit' | 'onEvent' | 'onDone'>;

class WidgetErrorBoundary extends Component<
  { fallback: ReactNode; onError: () => void; children: ReactNode },
  { failed: boolean }
> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(_error: Error, _info: ErrorInfo) {
    this.props.onError();
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/**
 * The messages to show. While another locale loads, the last loaded one stays on screen: swapping in a spinner would
 * unmount the flow and lose the step and what the user typed. Only the very first load shows a spinner.
 */
function useMessages(locale: ConnectLocale, overrides: Partial<ConnectMessages> | undefined): ConnectMessages | null {
  const [loaded, setLoaded] = useState<{ locale: ConnectLocale; messages: ConnectMessages } | null>(
    locale === 'en' ? { locale, messages: en } : null,
  );
  useEffect(() => {
    if (locale === 'en' || loaded?.locale === locale) return;
    let active = true;
    void loadMessages(locale).then(
      (messages) => active && setLoaded({ locale, messages }),
      () => active && setLoaded({ locale, messages: en }),
    );
    return () => {
      active = false;
    };
  }, [loaded?.locale, locale]);
  return useMemo(() => {
    const base = locale === 'en' ? en : (loaded?.messages ?? null);
    return base === null ? null : { ...base, ...overrides };
  }, [loaded, locale, overrides]);
}

/**
 * The bank-connection widget. Exactly one of `onSuccess` / `onExit` is called per session, including on unmount.
 *
 * @example
 * <ConnectWidget proxyUrl="/api/connect" onSuccess={({ memberGuid }) => save(memberGuid)} onExit={close} />
 */
export const ConnectWidget = forwardRef<ConnectWidgetHandle, ConnectWidgetProps>(function ConnectWidget(props, ref) {
  const {
    proxyUrl,
    sessionToken,
    locale = 'en',
    colorScheme = 'system',
    skipAggregation = false,
    mode = 'aggregation',
  } = props;

  // The latest handlers are read at call time, so inline arrow functions neither go stale nor re-mount anything.
  const callbacks = useRef<Callbacks>(props);
  const tokenSourceRef = useRef(sessionToken);
  const sessionExpiredRef = useRef<(() => void) | null>(null);
  useEffect(() => {
    callbacks.current = {
      onSuccess: props.onSuccess,
      onExit: props.onExit,
      onEvent: props.onEvent,
      onDone: props.onDone,
    };
    tokenSourceRef.current = sessionToken;
  });
  // Read only when a request runs, never during render.
  const readToken = useCallback(() => {
    const source = tokenSourceRef.current;
    return typeof source === 'function' ? source() : (source ?? '');
  }, []);
  const handleQueryError = useCallback((error: Error) => {
    if (error instanceof ApiError && error.status === 401) sessionExpiredRef.current?.();
  }, []);

  const { requestTimeoutMs, retryBackoff = DEFAULT_RETRY_BACKOFF } = useTiming();
  const isFunctionToken = typeof sessionToken === 'function';
  const fixedToken = typeof sessionToken === 'string' ? sessionToken : undefined;
  const client = useMemo(
    () =>
      // readToken reads a ref only when a request runs, never during render.
      // eslint-disable-next-line react-hooks/refs
      createApiClient({
        baseUrl: proxyUrl,
        sessionToken: isFunctionToken ? readToken : fixedToken,
        timeoutMs: requestTimeoutMs,
      }),
    [proxyUrl, isFunctionToken, fixedToken, readToken, requestTimeoutMs],
  );

  // handleQueryError reads a ref only when a query fails, never during render.
  // eslint-disable-next-line react-hooks/refs
  const [queryClient] = useState(() => {
    const onError = (error: Error) => handleQueryError(error);
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        // Every read retries through these defaults (the query factories do not override them).
        queries: { retry: shouldRetry, retryDelay: retryDelayWith(retryBackoff), refetchOnWindowFocus: false },
        mutations: { retry: false },
      },
    });
  });

  const isFinished = useRef(false);
  const latestSession = useRef<ConnectExitResult>({ reason: 'unmounted' });
  const emit = useCallback<EmitEvent>((name, metadata) => {
    callbacks.current.onEvent?.(toConnectEvent(name, metadata));
    // Done on the success screen is MX's `connected/primaryAction` event and, for the host, `onDone`.
    if (name === 'connected/primaryAction') callbacks.current.onDone?.();
  }, []);
  const remember = useCallback<FlowHost['remember']>((where) => {
    latestSession.current = { reason: 'unmounted', ...where };
  }, []);
  const restart = useCallback(() => {
    isFinished.current = false;
    latestSession.current = { reason: 'unmounted' };
  }, []);
  const finish = useCallback<FlowHost['finish']>((outcome) => {
    if (isFinished.current) return;
    isFinished.current = true;
    if (outcome.kind === 'success') callbacks.current.onSuccess?.(outcome.result);
    else callbacks.current.onExit?.(outcome.result);
  }, []);

  // Unmount ends the session too. Strict Mode's mount→unmount→mount check runs synchronously, so deferring the
  // decision by a microtask tells a real unmount from the simulated one.
  const isMounted = useRef(false);
  useEffect(() => {
    isMounted.current = true;
    return () => {
      isMounted.current = false;
      queueMicrotask(() => {
        if (!isMounted.current) finish({ kind: 'exit', result: latestSession.current });
      });
    };
  }, [finish]);

  const messages = useMessages(locale, props.messages);

  return (
    <div
      className="mc-root"
      data-color-scheme={colorScheme}
      style={themeStyle(props.theme)}
      lang={locale}
      // No landmark role: several widgets on one page would make duplicate landmarks (axe landmark-unique).
      aria-busy={messages === null || undefined}
    >
      {messages === null ? (
        <Spinner />
      ) : (
        <CopyContext.Provider value={messages}>
          <WidgetErrorBoundary
            fallback={
              <p className="mc-alert" role="alert">
                {messages.widgetError}
              </p>
            }
            onError={() => finish({ kind: 'exit', result: { reason: 'widgetError' } })}
          >
            <QueryClientProvider client={queryClient}>
              <ApiClientProvider client={client}>
                <ConnectFlow
                  handleRef={ref}
                  onSessionExpiredRef={sessionExpiredRef}
                  institutionCode={props.institutionCode}
                  memberGuid={props.memberGuid}
                  skipAggregation={skipAggregation}
                  mode={mode}
                  skipConsent={props.skipConsent}
                  partner={props.partner}
                  dataRequested={props.dataRequested ?? NO_SCOPES}
                  emit={emit}
                  finish={finish}
                  remember={remember}
                  restart={restart}
                />
              </ApiClientProvider>
            </QueryClientProvider>
          </WidgetErrorBoundary>
        </CopyContext.Provider>
      )}
    </div>
  );
});
