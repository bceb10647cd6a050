// The frame's side of the postMessage protocol (issue 7). It trusts exactly one window, `window.parent`, at exactly
// one origin: the one the SDK put in the URL fragment. Everything it posts names that origin as the target.
import {
  BACK,
  CLOSE,
  EXIT,
  frameEnvelope,
  type FrameToHostMessage,
  HANDSHAKE,
  type HostToFrameMessage,
  parseHostMessage,
  READY,
  STARTED,
  TOKEN,
  TOKEN_REQUEST,
} from '../protocol/messages';

type Handshake = Extract<HostToFrameMessage, { type: typeof HANDSHAKE }>;

/** How long the frame waits for a handshake before it says, in its own console, why it shows nothing. */
export const HANDSHAKE_WAIT_MS = 10_000;

export interface ParentBridgeHandlers {
  /** The first valid handshake; later ones are ignored so a session cannot be re-configured mid-flight. */
  onHandshake: (handshake: Handshake) => void;
  onBack: () => void;
  /** The host's `close()`: the widget asks "Exit?" first when there is something to lose, unless `force`. */
  onClose: (force: boolean) => void;
}

export interface ParentBridge {
  post: (message: FrameToHostMessage) => void;
  /** Asks the host for a fresh session token; rejects when the host has none to give. */
  requestToken: () => Promise<string>;
}

export function connectToParent(win: Window, parentOrigin: string, handlers: ParentBridgeHandlers): ParentBridge {
  const parent = win.parent;
  const pending = new Map<number, { resolve: (token: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let handshaken = false;

  // Rebuilt from the contract's fields on the way out: the SDK checks who sent a message, not what it carries.
  const post = (message: FrameToHostMessage) => parent.postMessage(frameEnvelope(message), parentOrigin);

  // Without a handshake the frame renders nothing, so a silent blank page is the failure to explain.
  const noHandshake = setTimeout(() => {
    console.error(
      `member-connect frame: no handshake from ${parentOrigin} after ${HANDSHAKE_WAIT_MS} ms: open this page ` +
        'through mountConnectWidget() of the same version',
    );
  }, HANDSHAKE_WAIT_MS);

  const onMessage = (event: MessageEvent) => {
    if (event.source !== parent || event.origin !== parentOrigin) return;
    const message = parseHostMessage(event.data);
    if (!message) return;
    if (typeof message === 'string' || message.type === HANDSHAKE) {
      if (handshaken) return;
      handshaken = true;
      clearTimeout(noHandshake);
      if (typeof message === 'string') {
        // Options the widget does not accept (a locale it does not have, a misspelt mode): the session ends at once,
        // saying which, rather than 30 s later with the SDK's "no frame started" that would send the developer to
        // the wrong place. No credential is in the options, so naming the value is safe.
        console.error('member-connect frame: ' + message);
        post({ type: EXIT, result: { reason: 'frameError', message } });
        return;
      }
      handlers.onHandshake(message);
      // Only now may the host hand closing over to the widget; a frame that throws above never says so, and the
      // SDK ends the session with `frameError` instead of waiting for it.
      post({ type: STARTED });
      return;
    }
    if (!handshaken) return;
    switch (message.type) {
      case BACK: {
        handlers.onBack();
        break;
      }
      case CLOSE: {
        handlers.onClose(message.force === true);
        break;
      }
      case TOKEN: {
        const request = pending.get(message.id);
        pending.delete(message.id);
        if (message.sessionToken === undefined)
          request?.reject(new Error('The host could not provide a session token.'));
        else request?.resolve(message.sessionToken);
        break;
      }
      default: {
        message satisfies never;
      }
    }
  };
  // Never removed: the frame page lives exactly as long as its iframe, and the listener with it.
  win.addEventListener('message', onMessage);
  post({ type: READY });

  return {
    post,
    requestToken: () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ type: TOKEN_REQUEST, id });
      }),
  };
}
