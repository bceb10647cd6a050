// The demo partner's page: a fictional budgeting app ("Fernway") that embeds <ConnectWidget> the way a partner
// would, talking to its own backend at /api/connect. Page copy is the partner's, not the widget's, so it lives here.
import { useCallback, useState } from 'react';

import type {
  ConnectEvent,
  ConnectExitResult,
  ConnectLocale,
  ConnectMode,
  ConnectSuccessResult,
  ConnectWidgetProps,
} from '../index.ts';
import { ConnectWidget } from '../index.ts';
import { FERNWAY } from './fernwayPartner.ts';
import { describeVerifiedAccount, readVerifiedAccount, type VerifiedAccountSummary } from './verifiedAccount.ts';

type Outcome =
  | { kind: 'none' }
  | { kind: 'success'; payload: ConnectSuccessResult; verified?: VerifiedAccountSummary | string }
  | { kind: 'exit'; payload: ConnectExitResult };

interface LoggedEvent {
  id: number;
  time: string;
  type: string;
  metadata: string;
}

const LOCALES: readonly { value: ConnectLocale; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Español' },
  { value: 'fr-CA', label: 'Français (Canada)' },
];
const COLOR_SCHEMES: readonly { value: ColorScheme; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'Follow the system' },
];
type ColorScheme = NonNullable<ConnectWidgetProps['colorScheme']>;
const MODES: readonly { value: ConnectMode; label: string }[] = [
  { value: 'aggregation', label: 'Aggregation (balances, transactions)' },
  { value: 'verification', label: 'Verification (account and routing numbers)' },
];
// `/?mode=verification` opens the page in verification mode (the settings card switches it too).
const initialMode = (): ConnectMode =>
  new URLSearchParams(window.location.search).get('mode') === 'verification' ? 'verification' : 'aggregation';

const MAX_LOGGED_EVENTS = 50;

export function PartnerPage() {
  const [session, setSession] = useState(1);
  const [locale, setLocale] = useState<ConnectLocale>('en');
  const [colorScheme, setColorScheme] = useState<ColorScheme>('light');
  const [mode, setMode] = useState<ConnectMode>(initialMode);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [events, setEvents] = useState<LoggedEvent[]>([]);

  const handleSuccess = useCallback((payload: ConnectSuccessResult) => {
    setOutcome({ kind: 'success', payload });
    // Verification: Fernway's backend reads the chosen account's numbers from MX; the page gets the last digits only.
    const { account } = payload;
    if (account === undefined) return;
    void readVerifiedAccount(payload.memberGuid, account.guid).then((verified) =>
      setOutcome((current) =>
        current.kind === 'success' && current.payload === payload ? { ...current, verified } : current,
      ),
    );
  }, []);
  const handleExit = useCallback((payload: ConnectExitResult) => setOutcome({ kind: 'exit', payload }), []);
  const handleEvent = useCallback((event: ConnectEvent) => {
    setEvents((previous) =>
      [
        {
          id: (previous[0]?.id ?? 0) + 1,
          time: new Date().toLocaleTimeString(),
          type: event.type,
          metadata: JSON.stringify(event.metadata ?? {}),
        },
        ...previous,
      ].slice(0, MAX_LOGGED_EVENTS),
    );
  }, []);

  // A new key mounts a fresh widget session, as a partner would when the user chooses to link another account.
  const restart = () => {
    setSession((value) => value + 1);
    setOutcome({ kind: 'none' });
  };

  return (
    <div className="page">
      <header className="page-header">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="8" />
            <path d="M9 23V9h13v3.4h-9.1v2.6h8v3.3h-8V23z" />
          </svg>
          <span className="brand-name">Fernway</span>
        </div>
        <nav aria-label="Fernway" className="page-nav">
          <span>Overview</span>
          <span>Budgets</span>
          <span aria-current="page">Accounts</span>
        </nav>
        <a className="header-link" href="/sdk.html">
          Same flow through the iframe SDK
        </a>
        <span className="sandbox-badge">Demo · sandbox data</span>
      </header>

      <main className="page-main">
        <div className="intro">
          <h1>Link a bank account</h1>
          <p>
            Fernway reads balances and transactions from your bank to build your budget. We never see your bank
            password: it goes through our secure connection partner.
          </p>
        </div>

        <div className="layout">
          <section className="card widget-card" aria-label="Bank connection">
            <ConnectWidget
              key={`${session}-${mode}`}
              proxyUrl="/api/connect"
              mode={mode}
              locale={locale}
              colorScheme={colorScheme}
              partner={FERNWAY}
              onSuccess={handleSuccess}
              onExit={handleExit}
              onEvent={handleEvent}
            />
          </section>

          <aside className="side">
            <section className="card" aria-labelledby="result-heading">
              <h2 id="result-heading">Result</h2>
              <div role="status" className="result" data-outcome={outcome.kind}>
                <OutcomeText outcome={outcome} />
              </div>
              <button type="button" className="button" onClick={restart}>
                Link another account
              </button>
            </section>

            <section className="card" aria-labelledby="settings-heading">
              <h2 id="settings-heading">Widget settings</h2>
              <div className="settings">
                <label>
                  Language
                  <select value={locale} onChange={(event) => setLocale(event.target.value as ConnectLocale)}>
                    {LOCALES.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Mode
                  <select
                    value={mode}
                    onChange={(event) => {
                      setMode(event.target.value as ConnectMode);
                      setOutcome({ kind: 'none' });
                    }}
                  >
                    {MODES.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Appearance
                  <select value={colorScheme} onChange={(event) => setColorScheme(event.target.value as ColorScheme)}>
                    {COLOR_SCHEMES.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            </section>

            <section className="card" aria-labelledby="credentials-heading">
              <h2 id="credentials-heading">Sandbox credentials</h2>
              <p className="hint">
                Search for <strong>MX Bank</strong> and sign in as <code>mxuser</code>. The password picks the scenario:
              </p>
              <dl className="scenarios">
                <dt>anything else</dt>
                <dd>connects</dd>
                <dt>
                  <code>INVALID</code>
                </dt>
                <dd>the bank rejects the credentials</dd>
                <dt>
                  <code>challenge</code>
                </dt>
                <dd>
                  a security question (answer <code>correct</code>)
                </dd>
                <dt>
                  <code>options</code>, <code>image</code>, <code>token</code>, <code>image_options</code>
                </dt>
                <dd>
                  other challenge types (answer or choose <code>correct</code>; a code is <code>123456</code>)
                </dd>
                <dt>
                  <code>two_round</code>
                </dt>
                <dd>choose a phone, then enter the code</dd>
                <dt>
                  <code>LOCKED</code>
                </dt>
                <dd>a locked account</dd>
              </dl>
              <p className="hint">
                <strong>MX Bank (OAuth)</strong> opens a consent page instead. All scenarios: docs/sandbox.md.
              </p>
            </section>

            <section className="card" aria-labelledby="events-heading">
              <h2 id="events-heading">Widget events</h2>
              {events.length === 0 ? (
                <p className="hint">No events yet.</p>
              ) : (
                <ol className="event-log" aria-label="Widget events, newest first">
                  {events.map((event) => (
                    <li key={event.id}>
                      <span className="event-time">{event.time}</span>
                      <span className="event-type">{event.type}</span>
                      <code className="event-metadata">{event.metadata}</code>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </aside>
        </div>
      </main>
    </div>
  );
}

function OutcomeText({ outcome }: { outcome: Outcome }) {
  switch (outcome.kind) {
    case 'none': {
      return <p>Not connected yet.</p>;
    }
    case 'success': {
      const { account } = outcome.payload;
      const { verified } = outcome;
      return (
        <>
          <p>
            onSuccess: connected <code>{outcome.payload.institutionCode}</code> as member{' '}
            <code>{outcome.payload.memberGuid}</code>, {outcome.payload.accounts.length} account(s):{' '}
            {outcome.payload.accounts.map((item) => `${item.name} (…${item.lastFour ?? '?'})`).join(', ')}.
          </p>
          {account === undefined ? null : (
            <p>
              Chosen for verification: {account.name} <code>{account.guid}</code>.{' '}
              {verified === undefined ? 'Fernway’s backend is reading its numbers…' : describeVerifiedAccount(verified)}
            </p>
          )}
        </>
      );
    }
    case 'exit': {
      return (
        <p>
          onExit: <code>{outcome.payload.reason}</code>
          {outcome.payload.message === undefined ? null : ` (${outcome.payload.message})`}
        </p>
      );
    }
    default: {
      return outcome satisfies never;
    }
  }
}
