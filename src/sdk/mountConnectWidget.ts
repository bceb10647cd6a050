// Framework-free host loader for the frame bundle (issue 7). All state lives in the closure of one mount so several
// instances coexist; nothing runs at import time (SSR safe). Kept deliberately terse: the budget is 2 KB gzip.
import type {
  ConnectEvent,
  ConnectExitReason,
  ConnectExitResult,
  ConnectSuccessResult,
} from '../contract/hostContract';
import {
  envelope,
  FRAME_CONFIG_KEYS,
  type FrameConfig,
  type HostToFrameMessage,
  parseFrameMessage,
} from '../protocol/messages';

export interface MountConnectWidgetOptions extends Omit<FrameConfig, 'modal'> {
  /** URL of the frame bundle's `index.html` (e.g. `https://partner.example/connect/frame/`). Its origin is the only one trusted. */
  frameUrl: string;
  /** Render inline in this element, resized to the content. Without it the widget opens in a modal dialog. */
  container?: HTMLElement;
  /**
   * Session token minted by your backend. A function is called for the first token and again whenever the widget
   * needs a fresh one (after a 401).
   */
  sessionToken: string | (() => string | Promise<string>);
  /** Called once when a member connects. Exactly one of `onSuccess` / `onExit` fires per mount. */
  onSuccess?: (result: ConnectSuccessResult) => void;
  /**
   * Called once when the session ends without success: the widget's exit, `close()` before the frame was ready
   * (`userCancelled`), `destroy()` before the end (`unmounted`), or a failing `sessionToken` function (`sessionExpired`).
   */
  onExit?: (result: ConnectExitResult) => void;
  /** Every widget event, in MX's wire shape. */
  onEvent?: (event: ConnectEvent) => void;
  /**
   * The person pressed Done on the success screen (after `onSuccess`). A modal closes itself first; inline, hide the
   * container or keep it (the widget then offers "Connect another account").
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
   * "Exit?"; `{ force: true }` skips that. Before the frame is ready (or after the end) it closes at once.
   */
  close(options?: { force?: boolean }): void;
  /** Asks the widget to go one step back. */
  back(): void;
  /** Removes every element and listener and restores focus and page scroll. Idempotent. */
  destroy(): void;
}

type Lock = { count: number; overflow: string; bare: boolean };
// Body scroll lock is one resource per document shared by every open modal, so it is reference-counted: closing one
// of two modals must not unlock the page, and the last one restores the exact inline value that was there before.
const scrollLocks = new WeakMap<Document, Lock>();

/**
 * Puts the member-connect frame on any page, as a modal dialog or inline.
 * @example
 * const widget = mountConnectWidget({ frameUrl: '/frame/', sessionToken: () => fetchToken(), onSuccess, onExit });
 */
export function mountConnectWidget(options: MountConnectWidgetOptions): ConnectWidgetInstance {
  const { frameUrl, container, sessionToken, onSuccess, onExit, onEvent } = options;
  const modal = !container;
  const doc = container?.ownerDocument ?? document;
  const win = doc.defaultView as Window;
  const title = options.title ?? 'Connect your bank account';
  const url = new URL(frameUrl, doc.baseURI);
  const frameOrigin = url.origin;
  // The frame trusts only this origin for the handshake. The session token never goes in the URL.
  url.hash = 'origin=' + encodeURIComponent(win.location.origin);

  const config: FrameConfig = { modal };
  for (const key of FRAME_CONFIG_KEYS) if (options[key] !== undefined) Object.assign(config, { [key]: options[key] });

  const cleanups: (() => void)[] = [];
  const listen = <E extends Event>(target: EventTarget, type: string, handler: (event: E) => void) => {
    target.addEventListener(type, handler as EventListener);
    cleanups.push(() => target.removeEventListener(type, handler as EventListener));
  };
  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, style: Partial<CSSStyleDeclaration>) => {
    const node = doc.createElement(tag);
    // CSSOM assignments, not style attributes, so a host with a strict style-src CSP is fine.
    Object.assign(node.style, style);
    return node;
  };

  let ended = false;
  let destroyed = false;
  let handshaken = false;

  const iframe = element('iframe', { border: '0', display: 'block', width: '100%', height: modal ? '100%' : '600px' });
  iframe.title = title;
  iframe.src = url.href;
  let root: HTMLElement = iframe;
  const previousFocus = doc.activeElement as HTMLElement | null;

  const post = (message: HostToFrameMessage) => {
    if (!destroyed) iframe.contentWindow?.postMessage(envelope(message), frameOrigin);
  };
  const getToken = async () => (typeof sessionToken === 'function' ? sessionToken() : sessionToken);
  const end = (report: () => void) => {
    if (!ended) {
      ended = true;
      report();
    }
  };
  const exit = (reason: ConnectExitReason) => end(() => onExit?.({ reason }));

  const destroy = () => {
    if (destroyed) return;
    exit('unmounted');
    destroyed = true;
    root.remove();
    for (const cleanup of cleanups.splice(0)) cleanup();
    // Restore focus without scrolling the page (peers jump to the top on close).
    if (modal && previousFocus?.isConnected) previousFocus.focus?.({ preventScroll: true });
  };

  const close = (options?: { force?: boolean }) => {
    if (handshaken && !ended) post({ type: 'close', force: options?.force });
    else {
      exit('userCancelled');
      destroy();
    }
  };

  if (modal) {
    const overlay = element('div', {
      position: 'fixed',
      inset: '0',
      zIndex: String(options.zIndex ?? 2147483000),
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      background: 'rgba(0,0,0,.5)',
    });
    const dialog = element('div', {
      width: 'min(480px,100vw)',
      // 100dvh: the visible height on phones, whose toolbars come and go.
      height: 'min(720px,100dvh)',
      // The frame fills the whole dialog in the widget's own (light or dark) colours (src/frame/frame.css).
      background: '#fff',
      borderRadius: '8px',
      overflow: 'hidden',
    });
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-label', title);
    // Focus guards keep Tab inside the dialog: leaving the iframe in either direction lands back in it.
    const guard = () => {
      const node = element('div', {});
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

    const body = doc.body;
    const lock = scrollLocks.get(doc) ?? {
      count: 0,
      overflow: body.style.overflow,
      bare: !body.hasAttribute('style'),
    };
    if (!lock.count++) body.style.overflow = 'hidden';
    scrollLocks.set(doc, lock);
    cleanups.push(() => {
      if (!--lock.count) {
        body.style.overflow = lock.overflow;
        // Reading the attribute first also makes Chromium flush its lazily serialised inline style, which would
        // otherwise write `style=""` back after the removal.
        if (lock.bare && !body.getAttribute('style')) body.removeAttribute('style');
        scrollLocks.delete(doc);
      }
    });
  }

  listen<MessageEvent>(win, 'message', (event) => {
    // Exact origin and our own iframe's window: a message from any other window or origin is not for us.
    if (event.origin !== frameOrigin || event.source !== iframe.contentWindow) return;
    const message = parseFrameMessage(event.data);
    switch (message?.type) {
      case 'ready': {
        getToken().then(
          (token) => {
            handshaken = true;
            post({ type: 'handshake', config, sessionToken: token, refreshable: typeof sessionToken === 'function' });
          },
          () => {
            exit('sessionExpired');
            destroy();
          },
        );
        break;
      }
      case 'tokenRequest': {
        const { id } = message;
        getToken().then(
          (token) => post({ type: 'token', id, sessionToken: token }),
          () => post({ type: 'token', id }),
        );
        break;
      }
      case 'event': {
        onEvent?.(message.event);
        // The success screen's primary action is where a modal's job is done.
        if (ended && message.event.type === 'mx/connect/connected/primaryAction') {
          if (modal) destroy();
          options.onDone?.();
        }
        break;
      }
      case 'resize': {
        if (!modal) iframe.style.height = message.height + 'px';
        break;
      }
      case 'success': {
        end(() => onSuccess?.(message.result));
        break;
      }
      case 'exit': {
        end(() => onExit?.(message.result));
        destroy();
        break;
      }
    }
  });

  (container ?? doc.body).append(root);
  if (modal) iframe.focus();

  return { close, back: () => handshaken && post({ type: 'back' }), destroy };
}
