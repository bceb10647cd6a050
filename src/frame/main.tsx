// The frame bundle's entry (dist/frame/index.html). It renders nothing until the host's handshake arrives, then
// renders <ConnectWidget> with that configuration and bridges its callbacks to the parent (issue 7). No inline script
// or style anywhere, so it runs under `default-src 'self'`.
import '../widget/styles.css';
import './frame.css';

import { type ComponentRef, createRef } from 'react';
import { createRoot } from 'react-dom/client';

import { DONE, EVENT, EXIT, readParentOrigin, RESIZE, SUCCESS } from '../protocol/messages';
import { ConnectWidget } from '../widget/ConnectWidget';
import { loadMessages } from '../widget/copy';
import { OneSessionPerMountContext } from '../widget/flowContext';
import { connectToParent } from './parentBridge';

const parentOrigin = readParentOrigin(window.location.hash);
const rootElement = document.getElementById('root');

// Opened top-level, or without the parent origin in the fragment: there is no host to talk to, so nothing renders.
if (parentOrigin && rootElement && window.parent !== window) start(parentOrigin, rootElement);

function start(parentOrigin: string, rootElement: HTMLElement) {
  const widget = createRef<ComponentRef<typeof ConnectWidget>>();

  const bridge = connectToParent(window, parentOrigin, {
    onHandshake: ({ config, sessionToken, refreshable }) => {
      const { modal, proxyUrl, ...options } = config;
      const locale = options.locale ?? 'en';
      document.documentElement.lang = locale;
      // The page's h1 and title in the widget's language (the locale chunk is the one the widget loads anyway).
      void loadMessages(locale).then((loaded) => {
        const title = options.messages?.frameTitle ?? loaded.frameTitle;
        document.title = title;
        const heading = document.getElementById('frame-title');
        if (heading) heading.textContent = title;
      });

      // The widget asks for a token once up front and again after a 401. The first answer is the handshake's token;
      // later ones come fresh from the host, which can mint them only when it was given a function.
      let handedOut = false;
      const tokenSource = () => {
        if (handedOut) return bridge.requestToken();
        handedOut = true;
        return sessionToken;
      };

      if (modal) {
        // The modal's frame is exactly the dialog's size: the widget fills it (no strip of another colour below).
        document.documentElement.classList.add('frame-modal');
        // Inside the frame, key presses never reach the host page, so the modal's Escape is handled here. Like Close, it
        // asks "Exit?" first once there is something to lose; Escape inside that question means Stay (it prevents).
        window.addEventListener('keydown', (event) => {
          if (event.key === 'Escape' && !event.defaultPrevented) widget.current?.close();
        });
      }

      let reportedHeight = -1;
      new ResizeObserver(() => {
        const height = Math.ceil(rootElement.getBoundingClientRect().height);
        if (height === reportedHeight) return;
        reportedHeight = height;
        bridge.post({ type: RESIZE, height });
      }).observe(rootElement);

      createRoot(rootElement).render(
        // One mount, one session: the SDK reports exactly one onSuccess or onExit, so Done is where the frame's job ends.
        <OneSessionPerMountContext.Provider value={true}>
          <ConnectWidget
            ref={widget}
            {...options}
            proxyUrl={new URL(proxyUrl ?? '/api/connect', window.location.href).href}
            sessionToken={refreshable ? tokenSource : sessionToken}
            onSuccess={(result) => bridge.post({ type: SUCCESS, result })}
            onExit={(result) => bridge.post({ type: EXIT, result })}
            onEvent={(event) => bridge.post({ type: EVENT, event })}
            // After the event of the same press, so the host hears `connected/primaryAction` before `onDone`.
            onDone={() => bridge.post({ type: DONE })}
          />
        </OneSessionPerMountContext.Provider>,
      );
    },
    onBack: () => widget.current?.back(),
    onClose: (force) => widget.current?.close({ force }),
  });
}
