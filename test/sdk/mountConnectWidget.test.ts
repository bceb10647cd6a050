import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  BACK,
  CLOSE,
  DONE,
  envelope,
  EVENT,
  EXIT,
  type FrameToHostMessage,
  HANDSHAKE,
  PROTOCOL,
  PROTOCOL_VERSION,
  READY,
  RESIZE,
  STARTED,
  SUCCESS,
  TOKEN,
  TOKEN_REQUEST,
} from '../../src/protocol/messages';
import { type ConnectWidgetInstance, mountConnectWidget as mountForReal } from '../../src/sdk/index';

const FRAME_URL = 'https://frame.example/connect/frame/';
const FRAME_ORIGIN = 'https://frame.example';

// Every mount is destroyed after its test, so no scroll lock or listener leaks into the next one.
const mounted: ConnectWidgetInstance[] = [];
const mountConnectWidget: typeof mountForReal = (options) => {
  const widget = mountForReal(options);
  mounted.push(widget);
  return widget;
};

afterEach(() => {
  for (const widget of mounted.splice(0)) widget.destroy();
  document.body.replaceChildren();
  document.body.removeAttribute('style');
});

function iframes() {
  return [...document.querySelectorAll('iframe')];
}

/** Delivers a message to the host window as if posted by `source` from `origin`. */
function deliver(data: unknown, source: Window | null, origin = FRAME_ORIGIN) {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

function fromFrame(iframe: HTMLIFrameElement, message: FrameToHostMessage, origin = FRAME_ORIGIN) {
  deliver(envelope(message), iframe.contentWindow, origin);
}

/** Records what the SDK posts into the iframe (message and target origin). */
function spyOnFrame(iframe: HTMLIFrameElement) {
  const frameWindow = iframe.contentWindow;
  if (!frameWindow) throw new Error('iframe has no window');
  return vi.spyOn(frameWindow, 'postMessage').mockImplementation(() => undefined);
}

function callbacks() {
  return { onSuccess: vi.fn(), onExit: vi.fn(), onEvent: vi.fn() };
}

async function settle() {
  // The handshake waits for the (possibly async) session token.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('mountConnectWidget: messages', () => {
  it('puts only the host origin in the frame URL and sends the token and config in the handshake', async () => {
    const container = document.body.appendChild(document.createElement('div'));
    mountConnectWidget({
      frameUrl: FRAME_URL,
      container,
      sessionToken: 'secret-token',
      locale: 'fr-CA',
      institutionCode: 'mxbank',
      ...callbacks(),
    });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const src = new URL(iframe.src);
    expect(src.origin + src.pathname).toBe(FRAME_URL);
    expect(src.hash).toBe('#origin=' + window.location.origin);
    expect(iframe.src).not.toContain('secret-token');

    const posted = spyOnFrame(iframe);
    fromFrame(iframe, { type: READY });
    await settle();
    expect(posted).toHaveBeenCalledTimes(1);
    expect(posted).toHaveBeenCalledWith(
      {
        protocol: PROTOCOL,
        version: PROTOCOL_VERSION,
        type: HANDSHAKE,
        config: { modal: false, locale: 'fr-CA', institutionCode: 'mxbank' },
        sessionToken: 'secret-token',
        refreshable: false,
      },
      FRAME_ORIGIN,
    );
  });

  it('ignores messages from a foreign origin, from another window, and outside the envelope of this version', async () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = callbacks();
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const other = document.body.appendChild(document.createElement('iframe'));
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    const success = envelope({
      type: SUCCESS,
      result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] },
    });
    const exit = envelope({ type: EXIT, result: { reason: 'userCancelled' } });

    // Right window, wrong origin (a look-alike and a prefix match included).
    for (const origin of ['https://evil.example', 'https://frame.example.evil.example', 'http://frame.example']) {
      deliver(success, iframe.contentWindow, origin);
      deliver(exit, iframe.contentWindow, origin);
      deliver(envelope({ type: READY }), iframe.contentWindow, origin);
    }
    // Right origin, wrong window: the host page itself, another iframe, no source at all.
    for (const source of [window, other.contentWindow, null]) {
      deliver(success, source);
      deliver(exit, source);
      deliver(envelope({ type: RESIZE, height: 10 }), source);
    }
    // Right origin and window, but not this protocol's envelope, or a type that is not a frame → host message. (The
    // shape of the payload is the frame's business: it builds every message from the contract's fields.)
    for (const data of [
      'success',
      null,
      undefined,
      42,
      { type: SUCCESS, result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] } },
      { ...success, protocol: 'other-widget' },
      { ...success, version: 1 },
      { ...exit, version: 1, type: 'exit' },
      { ...success, type: 12 },
      { protocol: PROTOCOL, version: PROTOCOL_VERSION },
      { protocol: PROTOCOL, version: PROTOCOL_VERSION, type: HANDSHAKE },
      { protocol: PROTOCOL, version: PROTOCOL_VERSION, type: TOKEN, id: 1 },
    ]) {
      deliver(data, iframe.contentWindow);
    }
    await settle();

    expect(spies.onSuccess).not.toHaveBeenCalled();
    expect(spies.onExit).not.toHaveBeenCalled();
    expect(spies.onEvent).not.toHaveBeenCalled();
    expect(posted).not.toHaveBeenCalled();
    expect(iframe.style.height).toBe('600px');
    expect(iframe.isConnected).toBe(true);

    // The same listener does accept the real thing.
    fromFrame(iframe, { type: SUCCESS, result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] } });
    expect(spies.onSuccess).toHaveBeenCalledWith({ memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] });
  });

  it('fires exactly one terminal callback per mount', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = callbacks();
    const widget = mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const success: FrameToHostMessage = {
      type: SUCCESS,
      result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] },
    };
    fromFrame(iframe, success);
    fromFrame(iframe, success);
    fromFrame(iframe, { type: EXIT, result: { reason: 'userCancelled' } });
    widget.destroy();
    widget.destroy();
    expect(spies.onSuccess).toHaveBeenCalledTimes(1);
    expect(spies.onExit).not.toHaveBeenCalled();
  });

  it('reports exit once and removes the iframe when the widget exits', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = callbacks();
    const widget = mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const exit: FrameToHostMessage = {
      type: EXIT,
      result: { reason: 'userCancelled', institutionCode: 'mxbank' },
    };
    fromFrame(iframe, exit);
    fromFrame(iframe, exit);
    widget.close();
    widget.destroy();
    expect(spies.onExit).toHaveBeenCalledTimes(1);
    expect(spies.onExit).toHaveBeenCalledWith({ reason: 'userCancelled', institutionCode: 'mxbank' });
    expect(spies.onSuccess).not.toHaveBeenCalled();
    expect(container.childElementCount).toBe(0);
  });

  it('reports destroy() before the end as an exit, once', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = callbacks();
    const widget = mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    widget.destroy();
    widget.destroy();
    expect(spies.onExit).toHaveBeenCalledTimes(1);
    expect(spies.onExit).toHaveBeenCalledWith({ reason: 'unmounted' });
    expect(container.childElementCount).toBe(0);
  });

  it('forwards events in MX wire shape', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = callbacks();
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const event = { mx: true, type: 'mx/connect/stepChange', metadata: { previous: 'search', current: 'credentials' } };
    fromFrame(iframe, { type: EVENT, event } as FrameToHostMessage);
    expect(spies.onEvent).toHaveBeenCalledExactlyOnceWith(event);
  });

  it('answers token requests by calling the sessionToken function again', async () => {
    const container = document.body.appendChild(document.createElement('div'));
    let minted = 0;
    const sessionToken = vi.fn(async () => `token-${++minted}`);
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken, ...callbacks() });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);

    fromFrame(iframe, { type: READY });
    await settle();
    expect(posted).toHaveBeenLastCalledWith(
      expect.objectContaining({ type: HANDSHAKE, sessionToken: 'token-1', refreshable: true }),
      FRAME_ORIGIN,
    );
    fromFrame(iframe, { type: TOKEN_REQUEST, id: 7 });
    await settle();
    expect(posted).toHaveBeenLastCalledWith(envelope({ type: TOKEN, id: 7, sessionToken: 'token-2' }), FRAME_ORIGIN);

    sessionToken.mockRejectedValueOnce(new Error('backend down'));
    fromFrame(iframe, { type: TOKEN_REQUEST, id: 8 });
    await settle();
    expect(posted).toHaveBeenLastCalledWith(envelope({ type: TOKEN, id: 8 }), FRAME_ORIGIN);
  });

  it('asks for the first token at mount, while the frame loads, and hands it over when the frame is ready', async () => {
    const container = document.body.appendChild(document.createElement('div'));
    const sessionToken = vi.fn(async () => 'early');
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken, ...callbacks() });
    expect(sessionToken).toHaveBeenCalledTimes(1);
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    await settle();
    // The token waits for the frame: nothing is posted before `ready`.
    expect(posted).not.toHaveBeenCalled();
    fromFrame(iframe, { type: READY });
    await settle();
    expect(sessionToken).toHaveBeenCalledTimes(1);
    expect(posted).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ type: HANDSHAKE, sessionToken: 'early', refreshable: true }),
      FRAME_ORIGIN,
    );
  });

  it('sends back and close to the frame once the handshake is done', async () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = callbacks();
    const widget = mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    widget.back();
    expect(posted).not.toHaveBeenCalled();

    fromFrame(iframe, { type: READY });
    await settle();
    fromFrame(iframe, { type: STARTED });
    widget.back();
    widget.close();
    widget.close({ force: true });
    expect(posted).toHaveBeenNthCalledWith(2, envelope({ type: BACK }), FRAME_ORIGIN);
    // Without force the widget asks "Exit?" first when something would be lost; force skips the question.
    expect(posted).toHaveBeenNthCalledWith(3, envelope({ type: CLOSE }), FRAME_ORIGIN);
    expect(posted).toHaveBeenNthCalledWith(4, envelope({ type: CLOSE, force: true }), FRAME_ORIGIN);
    // close() asks; the widget decides and answers with exit.
    expect(spies.onExit).not.toHaveBeenCalled();
    expect(iframe.isConnected).toBe(true);
    fromFrame(iframe, { type: EXIT, result: { reason: 'userCancelled' } });
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'userCancelled' });
    expect(iframe.isConnected).toBe(false);
  });
});

describe('mountConnectWidget: inline', () => {
  it('resizes the iframe to the height the frame reports', () => {
    const container = document.body.appendChild(document.createElement('div'));
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...callbacks() });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    expect(container.firstElementChild).toBe(iframe);
    expect(screen.queryByRole('dialog')).toBeNull();
    fromFrame(iframe, { type: RESIZE, height: 413 });
    expect(iframe.style.height).toBe('413px');
    fromFrame(iframe, { type: RESIZE, height: 380 });
    expect(iframe.style.height).toBe('380px');
  });

  it('lets several instances coexist, each hearing only its own frame', () => {
    const first = document.body.appendChild(document.createElement('div'));
    const second = document.body.appendChild(document.createElement('div'));
    const a = callbacks();
    const b = callbacks();
    const widgetA = mountConnectWidget({ frameUrl: FRAME_URL, container: first, sessionToken: 'a', ...a });
    mountConnectWidget({ frameUrl: FRAME_URL, container: second, sessionToken: 'b', ...b });
    const [iframeA, iframeB] = iframes();
    if (!iframeA || !iframeB) throw new Error('missing iframes');

    fromFrame(iframeB, { type: RESIZE, height: 300 });
    fromFrame(iframeB, { type: SUCCESS, result: { memberGuid: 'MBR-B', institutionCode: 'mxbank', accounts: [] } });
    expect(iframeA.style.height).toBe('600px');
    expect(iframeB.style.height).toBe('300px');
    expect(a.onSuccess).not.toHaveBeenCalled();
    expect(b.onSuccess).toHaveBeenCalledExactlyOnceWith({
      memberGuid: 'MBR-B',
      institutionCode: 'mxbank',
      accounts: [],
    });

    widgetA.destroy();
    expect(iframeA.isConnected).toBe(false);
    expect(iframeB.isConnected).toBe(true);
    fromFrame(iframeB, { type: RESIZE, height: 320 });
    expect(iframeB.style.height).toBe('320px');
  });
});

describe('mountConnectWidget: modal', () => {
  it('opens a labelled modal dialog, moves focus in, and restores it and the page scroll on Escape', async () => {
    const user = userEvent.setup();
    const opener = document.body.appendChild(document.createElement('button'));
    opener.textContent = 'Link a bank';
    opener.focus();
    document.body.style.overflow = 'scroll';
    const spies = callbacks();

    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', title: 'Link your bank', ...spies });
    const dialog = screen.getByRole('dialog', { name: 'Link your bank' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    const iframe = dialog.querySelector('iframe');
    expect(iframe).toHaveAttribute('title', 'Link your bank');
    expect(document.activeElement).toBe(iframe);
    expect(document.body.style.overflow).toBe('hidden');

    opener.focus(); // as if focus escaped to the host page
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(iframes()).toHaveLength(0);
    expect(document.activeElement).toBe(opener);
    expect(document.body.style.overflow).toBe('scroll');
    expect(document.body.getAttribute('style')).toBe('overflow: scroll;');
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'userCancelled' });
  });

  it('keeps Tab inside the dialog', () => {
    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...callbacks() });
    const dialog = screen.getByRole('dialog');
    const iframe = dialog.querySelector('iframe');
    const guards = [...dialog.querySelectorAll<HTMLElement>('[tabindex="0"]')];
    expect(guards).toHaveLength(2);
    for (const guard of guards) {
      guard.focus();
      expect(document.activeElement).toBe(iframe);
    }
  });

  it('restores an empty inline overflow exactly, with two modals closed in either order', () => {
    const first = mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...callbacks() });
    const second = mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...callbacks() });
    expect(document.body.style.overflow).toBe('hidden');
    first.destroy();
    expect(document.body.style.overflow).toBe('hidden');
    second.destroy();
    expect(document.body.style.overflow).toBe('');
    expect(document.body.hasAttribute('style')).toBe(false);
  });

  it('after the handshake, Escape asks the widget to close and the widget exit tears the modal down', async () => {
    const spies = callbacks();
    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    fromFrame(iframe, { type: READY });
    await settle();
    expect(posted).toHaveBeenLastCalledWith(expect.objectContaining({ config: { modal: true } }), FRAME_ORIGIN);
    fromFrame(iframe, { type: STARTED });

    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(posted).toHaveBeenLastCalledWith(envelope({ type: CLOSE }), FRAME_ORIGIN);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    fromFrame(iframe, { type: EXIT, result: { reason: 'userCancelled' } });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'userCancelled' });
  });

  it('ignores resize in the modal (its size is fixed) and closes on Done after the success', () => {
    const spies = { ...callbacks(), onDone: vi.fn() };
    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    fromFrame(iframe, { type: RESIZE, height: 200 });
    expect(iframe.style.height).toBe('100%');
    // Done before a success is not the end of a connection.
    fromFrame(iframe, { type: DONE });
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(spies.onDone).not.toHaveBeenCalled();
    fromFrame(iframe, { type: SUCCESS, result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] } });
    const primaryAction = { mx: true, type: 'mx/connect/connected/primaryAction', metadata: { member_guid: 'MBR-1' } };
    fromFrame(iframe, { type: EVENT, event: primaryAction } as FrameToHostMessage);
    expect(spies.onEvent).toHaveBeenCalledExactlyOnceWith(primaryAction);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    fromFrame(iframe, { type: DONE });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(spies.onDone).toHaveBeenCalledOnce();
    expect(spies.onSuccess).toHaveBeenCalledTimes(1);
    expect(spies.onExit).not.toHaveBeenCalled();
  });

  it('inline, Done calls onDone and leaves the widget where it is', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const spies = { ...callbacks(), onDone: vi.fn() };
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    fromFrame(iframe, { type: SUCCESS, result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] } });
    fromFrame(iframe, { type: DONE });
    expect(spies.onDone).toHaveBeenCalledOnce();
    expect(iframe.isConnected).toBe(true);
  });
});

describe('mountConnectWidget: cleanup', () => {
  it('leaves no element and no listener behind after open/close cycles', async () => {
    const live = new Set<string>();
    const ids = new WeakMap<object, number>();
    let next = 0;
    const key = (target: EventTarget, type: string, listener: unknown) => {
      for (const object of [target, listener as object]) if (!ids.has(object)) ids.set(object, next++);
      return `${ids.get(target)}:${type}:${ids.get(listener as object)}`;
    };
    // Count every listener added through the DOM, then delegate to the real implementation.
    const realAdd = EventTarget.prototype.addEventListener;
    const realRemove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (type, listener, options) {
      if (listener) {
        const added = key(this, type, listener);
        live.add(added);
        // A listener added with an AbortSignal is removed when the signal aborts. (Node's AbortSignal under jsdom:
        // its own addEventListener, not the one counted here.)
        const signal: { addEventListener: AbortSignal['addEventListener'] } | undefined =
          typeof options === 'object' ? options.signal : undefined;
        const removed = () => live.delete(added);
        if (signal instanceof EventTarget) realAdd.call(signal, 'abort', removed, { once: true });
        else signal?.addEventListener('abort', removed, { once: true });
      }
      return realAdd.call(this, type, listener, options);
    };
    EventTarget.prototype.removeEventListener = function (type, listener, options) {
      if (listener) live.delete(key(this, type, listener));
      return realRemove.call(this, type, listener, options);
    };

    try {
      const container = document.body.appendChild(document.createElement('div'));
      const before = document.body.innerHTML;
      let addedDuringMount = 0;
      for (let cycle = 0; cycle < 3; cycle++) {
        // Modal closed by Escape before the frame was ready.
        mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...callbacks() });
        addedDuringMount = Math.max(addedDuringMount, live.size);
        document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));

        // Modal closed by the widget's exit after a handshake.
        mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: async () => 't', ...callbacks() });
        const [modalFrame] = iframes();
        if (!modalFrame) throw new Error('no iframe');
        spyOnFrame(modalFrame);
        fromFrame(modalFrame, { type: READY });
        await settle();
        fromFrame(modalFrame, { type: EXIT, result: { reason: 'userCancelled' } });

        // Inline, destroyed by the host.
        const inline = mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...callbacks() });
        inline.destroy();
      }
      expect(addedDuringMount).toBeGreaterThan(0);
      expect([...live]).toEqual([]);
      expect(document.body.innerHTML).toBe(before);
      expect(document.body.hasAttribute('style')).toBe(false);
    } finally {
      EventTarget.prototype.addEventListener = realAdd;
      EventTarget.prototype.removeEventListener = realRemove;
    }
  });
});

describe('mountConnectWidget: no silent hang (issue 14)', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function consoleErrors() {
    return vi.spyOn(console, 'error').mockImplementation(() => undefined);
  }

  it.each([
    ['a token endpoint read with the wrong key', () => Promise.resolve(undefined as unknown as string), 'undefined'],
    ['a token that is not a string', () => 42 as unknown as string, 'number'],
    ['an empty token', '', 'string'],
  ])('ends with sessionExpired and says what to fix for %s', async (_name, sessionToken, got) => {
    const errors = consoleErrors();
    const spies = callbacks();
    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken, ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    fromFrame(iframe, { type: READY });
    await settle();

    expect(posted).not.toHaveBeenCalled();
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'sessionExpired' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(errors).toHaveBeenCalledExactlyOnceWith(
      `member-connect: sessionToken is ${got}, not your token endpoint's sessionToken string`,
    );
  });

  it('ends with sessionExpired and logs the error when the sessionToken function fails', async () => {
    const errors = consoleErrors();
    const spies = callbacks();
    const container = document.body.appendChild(document.createElement('div'));
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: () => Promise.reject(Error('503')), ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    fromFrame(iframe, { type: READY });
    await settle();
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'sessionExpired' });
    expect(iframe.isConnected).toBe(false);
    expect(errors).toHaveBeenCalledExactlyOnceWith('member-connect: sessionToken Error: 503');
  });

  it('a refresh that returns no string answers the frame without a token and says why', async () => {
    const errors = consoleErrors();
    const container = document.body.appendChild(document.createElement('div'));
    const sessionToken = vi.fn(async () => 'first');
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken, ...callbacks() });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    fromFrame(iframe, { type: READY });
    await settle();
    sessionToken.mockResolvedValueOnce({ token: 'wrong-shape' } as unknown as string);
    fromFrame(iframe, { type: TOKEN_REQUEST, id: 1 });
    await settle();
    expect(posted).toHaveBeenLastCalledWith(envelope({ type: TOKEN, id: 1 }), FRAME_ORIGIN);
    expect(errors).toHaveBeenCalledExactlyOnceWith(
      "member-connect: sessionToken is object, not your token endpoint's sessionToken string",
    );
  });

  it('ends with frameError 30 s after mounting when nothing ever answers (a frame that never loads)', () => {
    vi.useFakeTimers();
    const errors = consoleErrors();
    const spies = callbacks();
    mountConnectWidget({ frameUrl: '/wrong/', sessionToken: 't', ...spies });
    vi.advanceTimersByTime(29_999);
    expect(spies.onExit).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    vi.advanceTimersByTime(1);
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'frameError' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(errors).toHaveBeenCalledExactlyOnceWith(
      'member-connect: no frame started at /wrong/; serve dist/frame/ there',
    );
  });

  it('ends with frameError 3 s after a page loads at frameUrl without saying ready (a 404 page)', () => {
    vi.useFakeTimers();
    consoleErrors();
    const spies = callbacks();
    const container = document.body.appendChild(document.createElement('div'));
    mountConnectWidget({ frameUrl: FRAME_URL, container, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    iframe.dispatchEvent(new Event('load'));
    vi.advanceTimersByTime(2999);
    expect(spies.onExit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'frameError' });
    expect(iframe.isConnected).toBe(false);
  });

  it('ends with frameError when the frame said ready but never accepted the handshake (another version)', async () => {
    vi.useFakeTimers();
    consoleErrors();
    const spies = callbacks();
    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    const posted = spyOnFrame(iframe);
    vi.advanceTimersByTime(10_000);
    fromFrame(iframe, { type: READY });
    iframe.dispatchEvent(new Event('load'));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(posted).toHaveBeenCalledWith(expect.objectContaining({ type: HANDSHAKE }), FRAME_ORIGIN);
    expect(spies.onExit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'frameError' });
  });

  it('ends with frameError at once, saying why, when an option cannot be cloned into the handshake', async () => {
    const errors = consoleErrors();
    const spies = callbacks();
    // A partner option the widget does not know, which no structured clone can carry.
    const options = { frameUrl: FRAME_URL, sessionToken: 't', onLoad: () => undefined, ...spies };
    mountConnectWidget(options);
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    // jsdom does not clone what it posts; a browser does, and throws DataCloneError before anything is sent.
    const posted = spyOnFrame(iframe).mockImplementation((message) => void structuredClone(message));
    fromFrame(iframe, { type: READY });
    await settle();
    expect(posted).toHaveBeenCalledTimes(1);
    const said = /^options DataCloneError: .*could not be cloned/;
    expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({
      reason: 'frameError',
      message: expect.stringMatching(said),
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(errors).toHaveBeenCalledExactlyOnceWith(`member-connect: ${spies.onExit.mock.calls[0]?.[0].message}`);
  });

  it('a started frame is never timed out', async () => {
    vi.useFakeTimers();
    const spies = callbacks();
    mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...spies });
    const [iframe] = iframes();
    if (!iframe) throw new Error('no iframe');
    spyOnFrame(iframe);
    fromFrame(iframe, { type: READY });
    await vi.advanceTimersByTimeAsync(0);
    fromFrame(iframe, { type: STARTED });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(spies.onExit).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('closes at once on close(), Escape or an overlay click while the frame has not started', async () => {
    for (const closeIt of [
      (widget: ConnectWidgetInstance) => widget.close(),
      () => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })),
      () => screen.getByRole('dialog').parentElement?.click(),
    ]) {
      const spies = callbacks();
      const widget = mountConnectWidget({ frameUrl: FRAME_URL, sessionToken: 't', ...spies });
      const [iframe] = iframes();
      if (!iframe) throw new Error('no iframe');
      const posted = spyOnFrame(iframe);
      // Ready and handshake sent, but the frame never confirmed: the host still owns closing.
      fromFrame(iframe, { type: READY });
      await settle();
      expect(posted).toHaveBeenCalledTimes(1);
      closeIt(widget);
      expect(spies.onExit).toHaveBeenCalledExactlyOnceWith({ reason: 'userCancelled' });
      expect(screen.queryByRole('dialog')).toBeNull();
    }
  });
});
