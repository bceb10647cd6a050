// Framework-free host loader for the frame bundle (issue 7). All state lives in the closure of one mount so several
// instances coexist; nothing runs at import time (SSR safe). Written for its size (issue 16: 1.5 kB gzip): one
// dispatch table, numeric message types, and the shape of what the frame sends checked by the frame, which builds it
// (protocol/messages.ts). What cannot move stays here: the target origin of every post, the origin and window of
// every message received, the token contract and the start watchdog with their console errors.
import type { ConnectEvent, ConnectExitResult, ConnectSuccessResult } from '../contract/hostContract';
import {
  BACK,
  CLOSE,
  envelope,
  type EVENT,
  type EXIT,
  type FrameConfig,
  type FrameToHostMessage,
  HANDSHAKE,
  type HostToFrameMessage,
  PROTOCOL,
  PROTOCOL_VERSION,
  type RESIZE,
  type SUCCESS,
  TOKEN,
  type TOKEN_REQUEST,
} from '../protocol/messages';

export interface MountConnectWidgetOptions extends Omit<FrameConfig, 'modal'> {
  /** URL of the frame bundle's `index.html` (e.g. `https://partner.example/connect/frame/`). Its origin is the only one trusted. */
  frameUrl: string;
  /** Render inline in this element, resized to the content. Without it the widget opens in a modal dialog. */
  container?: HTMLElement;
  /**
   * Session token minted by your backend: the `sessionToken` string of your token endpoint's
   * {@link SessionTokenResponse}. A function is called at mount for the first token (while the frame loads, so the
   * handshake does not wait for it) and again whenever the widget needs a fresh one (after a 401). Anything but a
   * non-empty string ends the session with `sessionExpired` and a console error.
   */
  sessionToken: string | (() => string | Promise<string>);
  /** Called once when a member connects. Exactly one of `onSuccess` / `onExit` fires per mount. */
  onSuccess?: (result: ConnectSuccessResult) => void;
  /**
   * Called once when the session ends without success: the widget's exit, `close()` before the frame started
   * (`userCancelled`), `destroy()` before the end (`unmounted`), a failing `sessionToken` (`sessionExpired`) or a frame
   * that never starts (`frameError`). The last two also log a `console.error` saying what to fix.
   */
  onExit?: (result: ConnectExitResult) => void;
  /** Every widget event, in MX's wire shape. */
  onEvent?: (event: ConnectEvent) => void;
  /**
   * The person pressed Done on the success screen (after `onSuccess`). A modal closes itself first; inline, the widget
   * says "All done" and stays until you hide or `destroy()` it. One mount is one session: mount again for another account.
   */
  onDone?: () => void;
  /** Accessible name of the dialog and the iframe. @default 'Connect your bank account' */
  title?: string;
  /** Stacking order of the modal overlay. @default 2147483000 */
  zIndex?: number;
}

export interface ConnectWidgetInstance {
  /**
   * Asks the widget to close; it answers with `onExit`. Once the person has typed something, the widget first asks
   * "Exit?"; `{ force: true }` skips that. Before the frame has started (or after the end) it closes at once.
   */
  close(options?: { force?: boolean }): void;
  /** Asks the widget to go one step back. */
  back(): void;
  /** Removes every element and listener and restores focus and page scroll. Idempotent. */
  destroy(): void;
}

// Body scroll lock is one resource shared by every open modal, so it is reference-counted: closing one of two modals
// must not unlock the page, and the last one restores the exact inline value that was there before.
let locks = 0;
let unlockedOverflow = '';

type Message<T> = Extract<FrameToHostMessage, { type: T }>;

/**
 * Puts the member-connect frame on any page, as a modal dialog or inline.
 * @example
 * const widget = mountConnectWidget({ frameUrl: '/frame/', sessionToken: () => fetchToken(), onSuccess, onExit });
 */
export function mountConnectWidget(options: MountConnectWidgetOptions): ConnectWidgetInstance {
  // Everything that is not the host's own business is widget configuration for the handshake.
  const {
    frameUrl,
    container,
    sessionToken,
    onSuccess,
    onExit,
    onEvent,
    onDone,
    title = 'Connect your bank account',
    zIndex = 2147483000,
    ...config
  } = options as MountConnectWidgetOptions & FrameConfig;
  const modal = (config.modal = !container);
  const doc = container?.ownerDocument ?? document;
  const win = doc.defaultView as Window;
  const body = doc.body;
  const url = new URL(frameUrl, doc.baseURI);
  const frameOrigin = url.origin;
  // The frame trusts only this origin for the handshake. The session token never goes in the URL.
  // (An origin has no character that needs escaping in a query string.)
  url.hash = 'origin=' + win.location.origin;

  // One signal removes every listener of this mount; aborted means destroyed. The controller itself is the listener
  // options: its `signal` property is the one `addEventListener` reads.
  const controller = new AbortController();
  const listen = <E extends Event>(target: EventTarget, type: string, handler: (event: E) => void) =>
    target.addEventListener(type, handler as EventListener, controller);
  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, css: string) => {
    const node = doc.createElement(tag);
    // A CSSOM assignment, not a style attribute, so a host with a strict style-src CSP is fine.
    node.style.cssText = css;
    return node;
  };

  // Unset means false (no initialisers: bytes).
  let ended: true | undefined;
  let ready: true | undefined;
  // The frame confirmed the handshake (`STARTED`): from then on the widget owns closing; until then the host does.
  let started: true | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const iframe = element('iframe', `border:0;display:block;width:100%;height:${modal ? '100%' : '600px'}`);
  iframe.title = title;
  iframe.src = url.href;
  let root: HTMLElement = iframe;
  const previousFocus = doc.activeElement as HTMLElement | null;

  const post = (message: HostToFrameMessage) => {
    try {
      // A removed iframe has no window, so nothing reaches a destroyed mount.
      iframe.contentWindow?.postMessage(envelope(message), frameOrigin);
    } catch (error) {
      // An option that cannot cross to the frame (a partner's `onLoad` function, a DOM node; the handshake forwards
      // every option it does not know): postMessage throws DataCloneError. Said now, rather than the start watchdog
      // blaming frameUrl 30 s later. Every other message carries only strings, numbers and booleans.
      const message = 'options ' + error;
      log(message);
      exit({ reason: 'frameError', message });
    }
  };
  const log = (message: string) => void console.error('member-connect: ' + message);
  // A non-empty string, or nothing after saying why: a token endpoint read with the wrong key (`body.token` of
  // `{ sessionToken }`) would otherwise hand the frame `undefined`, which it drops, and nothing would ever happen.
  const refreshable = typeof sessionToken === 'function';
  const getToken = () =>
    (async () => (refreshable ? sessionToken() : sessionToken))().then(
      (token: unknown) =>
        typeof token === 'string' && token
          ? token
          : log(`sessionToken is ${typeof token}, not your token endpoint's sessionToken string`),
      (error) => log('sessionToken ' + error),
    );
  // Asked for at once, while the frame loads, so the handshake does not wait another round trip after `READY`.
  const firstToken = getToken();
  const end = <R>(callback: ((result: R) => void) | undefined, result: R) => {
    if (!ended) {
      ended = true;
      callback?.(result);
    }
  };
  // The one way out: reports the exit (unless the session already ended) and removes everything, once.
  const exit = (result: ConnectExitResult = { reason: 'unmounted' }) => {
    end(onExit, result);
    if (controller.signal.aborted) return;
    controller.abort();
    root.remove();
    clearTimeout(timer);
    if (modal) {
      // Body scroll lock is one resource shared by every open modal (see `locks`).
      if (!--locks) {
        body.style.overflow = unlockedOverflow;
        // A page without inline style gets none back. Reading the attribute first also makes Chromium flush its lazily
        // serialised inline style, which would otherwise write `style=""` back after the removal.
        if (!body.getAttribute('style')) body.removeAttribute('style');
      }
      // Restore focus without scrolling the page (peers jump to the top on close); a removed element ignores it.
      previousFocus?.focus({ preventScroll: true });
    }
  };
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      log(`no frame started at ${frameUrl}; serve dist/frame/ there`);
      exit({ reason: 'frameError' });
    }, ms);
  };

  const close = (request?: { force?: boolean }) =>
    started && !ended ? post({ type: CLOSE, force: request?.force }) : exit({ reason: 'userCancelled' });

  if (modal) {
    const overlay = element(
      'div',
      `position:fixed;inset:0;z-index:${zIndex};display:grid;` + 'place-items:center;background:#0008',
    );
    // No background of its own: the iframe covers the dialog in the widget's colours, so a dark widget gets no white
    // frame. 100dvh is the visible height on phones whose toolbars come and go.
    const dialog = element('div', 'width:min(480px,100vw);height:min(720px,100dvh);border-radius:8px;overflow:hidden');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-label', title);
    // Focus guards keep Tab inside the dialog: leaving the iframe in either direction lands back in it.
    const guard = () => {
      const node = element('div', '');
      node.tabIndex = 0;
      listen(node, 'focus', () => iframe.focus());
      return node;
    };
    dialog.append(guard(), iframe, guard());
    overlay.append(dialog);
    root = overlay;
    listen<MouseEvent>(overlay, 'click', (event) => event.target === overlay && close());
    listen<KeyboardEvent>(doc, 'keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      }
    });
    if (!locks++) {
      unlockedOverflow = body.style.overflow;
      body.style.overflow = 'hidden';
    }
  }

  // What each message from the frame does, indexed by its type (READY … DONE, see protocol/messages.ts). The frame
  // built the message from the contract's fields (`frameEnvelope`), so its payload is read as it is.
  const handlers = [
    // READY
    () => {
      ready = true;
      arm(30_000);
      void firstToken.then((token) =>
        token
          ? post({ type: HANDSHAKE, config, sessionToken: token, refreshable })
          : exit({ reason: 'sessionExpired' }),
      );
    },
    // STARTED
    () => {
      started = true;
      clearTimeout(timer);
    },
    // EVENT
    (message: Message<typeof EVENT>) => onEvent?.(message.event),
    // RESIZE: a modal's size is fixed.
    (message: Message<typeof RESIZE>) => modal || (iframe.style.height = message.height + 'px'),
    // SUCCESS
    (message: Message<typeof SUCCESS>) => end(onSuccess, message.result),
    // EXIT
    (message: Message<typeof EXIT>) => exit(message.result),
    // TOKEN_REQUEST. No token in the answer: the widget ends the session with `sessionExpired`.
    (message: Message<typeof TOKEN_REQUEST>) =>
      getToken().then((token) => post({ type: TOKEN, id: message.id, sessionToken: token })),
    // DONE: the success screen's primary action is where a modal's job is done.
    () => {
      if (ended) {
        if (modal) exit();
        onDone?.();
      }
    },
  ] as ((message: FrameToHostMessage) => void)[];

  listen<MessageEvent>(win, 'message', ({ data, origin, source }) => {
    // Exact origin and our own iframe's window: a message from any other window or origin is not for us.
    if (
      origin === frameOrigin &&
      source === iframe.contentWindow &&
      data?.protocol === PROTOCOL &&
      data.version === PROTOCOL_VERSION
    )
      handlers[data.type]?.(data);
  });

  // The frame gets 30 s to start (load, get its session token from the host, accept the handshake). It says `READY`
  // before its `load` event, so a page that loads without saying it (a 404 page, another app) fails 3 s later.
  listen(iframe, 'load', () => ready || arm(3000));
  arm(30_000);

  (container ?? body).append(root);
  if (modal) iframe.focus();

  return { close, back: () => started && post({ type: BACK }), destroy: () => exit() };
}
