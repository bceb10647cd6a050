// The plain partner page (sdk.html): no React, just member-connect/sdk, as a partner with a server-rendered page or
// another framework would use it.
import './demo.css';
import './sdkPage.css';

import {
  CONNECT_COLOR_SCHEMES,
  CONNECT_LOCALES,
  CONNECT_MODES,
  type ConnectColorScheme,
  type ConnectLocale,
  type ConnectMode,
} from '../contract/hostContract.ts';
import { type ConnectWidgetInstance, mountConnectWidget } from '../sdk/index.ts';
import { preloadConnectFrame } from '../sdk/preload.ts';
import { FERNWAY } from './fernwayPartner.ts';
import { describeVerifiedAccount, readVerifiedAccount } from './verifiedAccount.ts';

const FRAME_URL = new URL('/frame/', window.location.href).href;
// `sdk.html?locale=fr-CA&colorScheme=dark&mode=verification`: the page has no settings card, so the address picks
// language, look and mode.
const pageOptions = new URLSearchParams(window.location.search);
const LOCALES: readonly string[] = CONNECT_LOCALES;
const SCHEMES: readonly string[] = CONNECT_COLOR_SCHEMES;
const pick = <T extends string>(name: string, allowed: readonly string[]) => {
  const value = pageOptions.get(name);
  return value !== null && allowed.includes(value) ? (value as T) : undefined;
};
const locale = pick<ConnectLocale>('locale', LOCALES);
const colorScheme = pick<ConnectColorScheme>('colorScheme', SCHEMES);
const connectMode = pick<ConnectMode>('mode', CONNECT_MODES);
// `sdk.html?preload=1`: the frame's files are fetched while the page is read, so the dialog opens without them
// (the bench's "SDK modal, preloaded" row).
if (pageOptions.get('preload') === '1') preloadConnectFrame(FRAME_URL);

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`sdk.html has no #${id} element.`);
  return element as T;
}

const openModal = byId<HTMLButtonElement>('open-modal');
const openInline = byId<HTMLButtonElement>('open-inline');
const backButton = byId<HTMLButtonElement>('back');
const closeButton = byId<HTMLButtonElement>('close');
const destroyButton = byId<HTMLButtonElement>('destroy');
const inlineContainer = byId<HTMLDivElement>('inline-container');
const result = byId<HTMLDivElement>('result');
const callbackLog = byId<HTMLOListElement>('callback-log');
const eventLog = byId<HTMLOListElement>('event-log');

/** The partner's backend mints a short-lived token for the signed-in user; the SDK calls this again after a 401. */
async function fetchSessionToken(): Promise<string> {
  const response = await fetch('/demo/session-token', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /demo/session-token answered ${response.status}.`);
  const body: unknown = await response.json();
  const token = (body as { sessionToken?: unknown } | null)?.sessionToken;
  if (typeof token !== 'string') throw new Error('GET /demo/session-token returned no sessionToken.');
  return token;
}

function logLine(list: HTMLOListElement, text: string, newestFirst: boolean) {
  const item = document.createElement('li');
  item.textContent = text;
  if (newestFirst) list.prepend(item);
  else list.append(item);
}

function showResult(outcome: 'none' | 'success' | 'exit', text: string) {
  result.dataset.outcome = outcome;
  const paragraph = document.createElement('p');
  paragraph.textContent = text;
  result.replaceChildren(paragraph);
}

let widget: ConnectWidgetInstance | undefined;

function setOpen(open: boolean) {
  backButton.disabled = !open;
  closeButton.disabled = !open;
  destroyButton.disabled = !open;
}

function open(mode: 'modal' | 'inline') {
  // One session at a time on this page; a partner showing two would simply keep two handles.
  widget?.destroy();
  showResult('none', 'Connecting…');
  setOpen(true);
  const current = mountConnectWidget({
    frameUrl: FRAME_URL,
    container: mode === 'inline' ? inlineContainer : undefined,
    sessionToken: fetchSessionToken,
    partner: FERNWAY,
    ...(locale && { locale }),
    ...(colorScheme && { colorScheme }),
    ...(connectMode && { mode: connectMode }),
    onSuccess: ({ memberGuid, institutionCode, account }) => {
      logLine(callbackLog, `onSuccess ${institutionCode} ${memberGuid}${account ? ` ${account.guid}` : ''}`, false);
      const linked = `Linked ${institutionCode} (member ${memberGuid}).`;
      showResult('success', linked);
      // Verification: the backend reads the chosen account's numbers; the page shows the last digits it sends back.
      if (account)
        void readVerifiedAccount(memberGuid, account.guid).then((verified) =>
          showResult('success', `${linked} ${account.name}: ${describeVerifiedAccount(verified)}`),
        );
    },
    onExit: ({ reason, message }) => {
      logLine(callbackLog, `onExit ${reason}`, false);
      showResult('exit', message ? `Not linked: ${reason} (${message}).` : `Not linked: ${reason}.`);
      if (widget === current) {
        widget = undefined;
        setOpen(false);
      }
    },
    // Done: a modal has closed itself; inline, this page hides the widget too. One mount is one session (one onSuccess
    // or onExit), so another account is another mount: "Show inline" or "Open in a dialog" again.
    onDone: () => {
      if (widget === current) {
        current.destroy();
        widget = undefined;
        setOpen(false);
      }
      const linked = result.textContent ?? '';
      showResult('success', `${linked} Open the widget again to link another account.`);
    },
    onEvent: (event) => logLine(eventLog, `${event.type} ${JSON.stringify(event.metadata)}`, true),
  });
  widget = current;
}

openModal.addEventListener('click', () => open('modal'));
openInline.addEventListener('click', () => open('inline'));
backButton.addEventListener('click', () => widget?.back());
closeButton.addEventListener('click', () => widget?.close());
destroyButton.addEventListener('click', () => {
  widget?.destroy();
  widget = undefined;
  setOpen(false);
});
