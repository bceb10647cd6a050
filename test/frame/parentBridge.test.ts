import { afterEach, describe, expect, it, vi } from 'vitest';

import { connectToParent, HANDSHAKE_WAIT_MS } from '../../src/frame/parentBridge';
import { envelope, type HostToFrameMessage } from '../../src/protocol/messages';

const PARENT_ORIGIN = 'https://partner.example';

afterEach(() => document.body.replaceChildren());

/** A child window whose parent is this test's window, like the frame inside the partner page. */
function frameWindow(): Window {
  const iframe = document.body.appendChild(document.createElement('iframe'));
  if (!iframe.contentWindow) throw new Error('no iframe window');
  return iframe.contentWindow;
}

function setUp() {
  const win = frameWindow();
  // jsdom's parent window object, which is not the same object as the test's `window` global.
  const parent = win.parent;
  const toParent = vi.spyOn(parent, 'postMessage').mockImplementation(() => undefined);
  const handlers = { onHandshake: vi.fn(), onBack: vi.fn(), onClose: vi.fn() };
  const bridge = connectToParent(win, PARENT_ORIGIN, handlers);
  const deliver = (message: HostToFrameMessage | unknown, source: Window | null = parent, origin = PARENT_ORIGIN) =>
    win.dispatchEvent(new MessageEvent('message', { data: message, source, origin }));
  return { win, parent, toParent, handlers, bridge, deliver };
}

const handshake = envelope({ type: 'handshake', config: { locale: 'es' }, sessionToken: 'tok', refreshable: true });

describe('connectToParent', () => {
  it('says ready to the parent, at the parent origin only', () => {
    const { toParent } = setUp();
    expect(toParent).toHaveBeenCalledExactlyOnceWith(envelope({ type: 'ready' }), PARENT_ORIGIN);
  });

  it('accepts the handshake only from the parent window at the trusted origin, and only once', () => {
    const { win, parent, handlers, deliver } = setUp();
    deliver(handshake, parent, 'https://evil.example');
    deliver(handshake, win);
    deliver(handshake, null);
    deliver({ ...handshake, sessionToken: 42 });
    expect(handlers.onHandshake).not.toHaveBeenCalled();

    deliver(handshake);
    deliver(envelope({ type: 'handshake', config: {}, sessionToken: 'second', refreshable: false }));
    expect(handlers.onHandshake).toHaveBeenCalledExactlyOnceWith({
      type: 'handshake',
      config: { locale: 'es' },
      sessionToken: 'tok',
      refreshable: true,
    });
  });

  it('ignores back and close before the handshake and from anyone else after it', () => {
    const { win, parent, handlers, deliver } = setUp();
    deliver(envelope({ type: 'close' }));
    deliver(envelope({ type: 'back' }));
    deliver(handshake);
    deliver(envelope({ type: 'close' }), parent, 'https://evil.example');
    deliver(envelope({ type: 'back' }), win);
    expect(handlers.onClose).not.toHaveBeenCalled();
    expect(handlers.onBack).not.toHaveBeenCalled();

    deliver(envelope({ type: 'back' }));
    deliver(envelope({ type: 'close' }));
    expect(handlers.onBack).toHaveBeenCalledTimes(1);
    expect(handlers.onClose).toHaveBeenCalledTimes(1);
  });

  it('pairs token requests with answers by id, and rejects when the host has none', async () => {
    const { parent, toParent, bridge, deliver } = setUp();
    deliver(handshake);
    const first = bridge.requestToken();
    const second = bridge.requestToken();
    expect(toParent).toHaveBeenCalledWith(envelope({ type: 'tokenRequest', id: 0 }), PARENT_ORIGIN);
    expect(toParent).toHaveBeenCalledWith(envelope({ type: 'tokenRequest', id: 1 }), PARENT_ORIGIN);
    deliver(envelope({ type: 'token', id: 1 }));
    deliver(envelope({ type: 'token', id: 0, sessionToken: 'forged' }), parent, 'https://evil.example');
    deliver(envelope({ type: 'token', id: 0, sessionToken: 'fresh' }));
    await expect(first).resolves.toBe('fresh');
    await expect(second).rejects.toThrow('could not provide a session token');
  });

  it('tells the host it started once the handshake is handled, and only then', () => {
    const { toParent, handlers, deliver } = setUp();
    toParent.mockClear();
    handlers.onHandshake.mockImplementationOnce(() => {
      expect(toParent).not.toHaveBeenCalledWith(envelope({ type: 'started' }), PARENT_ORIGIN);
    });
    deliver(handshake);
    deliver(handshake);
    expect(handlers.onHandshake).toHaveBeenCalledTimes(1);
    expect(toParent).toHaveBeenCalledExactlyOnceWith(envelope({ type: 'started' }), PARENT_ORIGIN);
  });

  it('says in its console why it shows nothing when no handshake comes', () => {
    vi.useFakeTimers();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      setUp();
      vi.advanceTimersByTime(HANDSHAKE_WAIT_MS);
      expect(errors).toHaveBeenCalledExactlyOnceWith(expect.stringContaining(`no handshake from ${PARENT_ORIGIN}`));
      errors.mockClear();
      const { deliver } = setUp();
      deliver(handshake);
      vi.advanceTimersByTime(HANDSHAKE_WAIT_MS);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
      errors.mockRestore();
    }
  });
});
