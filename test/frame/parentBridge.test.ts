import { afterEach, describe, expect, it, vi } from 'vitest';

import { connectToParent, HANDSHAKE_WAIT_MS } from '../../src/frame/parentBridge';
import {
  BACK,
  CLOSE,
  envelope,
  EXIT,
  HANDSHAKE,
  type HostToFrameMessage,
  READY,
  STARTED,
  SUCCESS,
  TOKEN,
  TOKEN_REQUEST,
} from '../../src/protocol/messages';

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

const handshake = envelope({ type: HANDSHAKE, config: { locale: 'es' }, sessionToken: 'tok', refreshable: true });

describe('connectToParent', () => {
  it('says ready to the parent, at the parent origin only', () => {
    const { toParent } = setUp();
    expect(toParent).toHaveBeenCalledExactlyOnceWith(envelope({ type: READY }), PARENT_ORIGIN);
  });

  it('accepts the handshake only from the parent window at the trusted origin, and only once', () => {
    const { win, parent, handlers, deliver } = setUp();
    deliver(handshake, parent, 'https://evil.example');
    deliver(handshake, win);
    deliver(handshake, null);
    deliver({ ...handshake, sessionToken: 42 });
    expect(handlers.onHandshake).not.toHaveBeenCalled();

    deliver(handshake);
    deliver(envelope({ type: HANDSHAKE, config: {}, sessionToken: 'second', refreshable: false }));
    expect(handlers.onHandshake).toHaveBeenCalledExactlyOnceWith({
      type: HANDSHAKE,
      config: { locale: 'es' },
      sessionToken: 'tok',
      refreshable: true,
    });
  });

  it('ignores back and close before the handshake and from anyone else after it', () => {
    const { win, parent, handlers, deliver } = setUp();
    deliver(envelope({ type: CLOSE }));
    deliver(envelope({ type: BACK }));
    deliver(handshake);
    deliver(envelope({ type: CLOSE }), parent, 'https://evil.example');
    deliver(envelope({ type: BACK }), win);
    expect(handlers.onClose).not.toHaveBeenCalled();
    expect(handlers.onBack).not.toHaveBeenCalled();

    deliver(envelope({ type: BACK }));
    deliver(envelope({ type: CLOSE }));
    expect(handlers.onBack).toHaveBeenCalledTimes(1);
    expect(handlers.onClose).toHaveBeenCalledTimes(1);
  });

  it('pairs token requests with answers by id, and rejects when the host has none', async () => {
    const { parent, toParent, bridge, deliver } = setUp();
    deliver(handshake);
    const first = bridge.requestToken();
    const second = bridge.requestToken();
    expect(toParent).toHaveBeenCalledWith(envelope({ type: TOKEN_REQUEST, id: 0 }), PARENT_ORIGIN);
    expect(toParent).toHaveBeenCalledWith(envelope({ type: TOKEN_REQUEST, id: 1 }), PARENT_ORIGIN);
    deliver(envelope({ type: TOKEN, id: 1 }));
    deliver(envelope({ type: TOKEN, id: 0, sessionToken: 'forged' }), parent, 'https://evil.example');
    deliver(envelope({ type: TOKEN, id: 0, sessionToken: 'fresh' }));
    await expect(first).resolves.toBe('fresh');
    await expect(second).rejects.toThrow('could not provide a session token');
  });

  it('posts what the contract defines and nothing else: the SDK does not check payloads', () => {
    const { toParent, bridge } = setUp();
    bridge.post({
      type: SUCCESS,
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        accounts: [{ guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234', number: '000111221234' }],
      },
    } as never);
    expect(toParent).toHaveBeenLastCalledWith(
      envelope({
        type: SUCCESS,
        result: {
          memberGuid: 'MBR-1',
          institutionCode: 'mxbank',
          accounts: [{ guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234' }],
        },
      }),
      PARENT_ORIGIN,
    );
  });

  it('answers a handshake with options it does not accept with frameError naming the option, at once', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { toParent, handlers, deliver } = setUp();
      toParent.mockClear();
      deliver({ ...handshake, config: { locale: 'de' } });
      const message = 'the option locale is "de", which the widget does not accept';
      expect(toParent).toHaveBeenCalledExactlyOnceWith(
        envelope({ type: EXIT, result: { reason: 'frameError', message } }),
        PARENT_ORIGIN,
      );
      expect(errors).toHaveBeenCalledExactlyOnceWith('member-connect frame: ' + message);
      expect(JSON.stringify(errors.mock.calls)).not.toContain('tok');
      // The session is over: a second handshake changes nothing.
      deliver(handshake);
      expect(handlers.onHandshake).not.toHaveBeenCalled();
      expect(toParent).toHaveBeenCalledTimes(1);
    } finally {
      errors.mockRestore();
    }
  });

  it('tells the host it started once the handshake is handled, and only then', () => {
    const { toParent, handlers, deliver } = setUp();
    toParent.mockClear();
    handlers.onHandshake.mockImplementationOnce(() => {
      expect(toParent).not.toHaveBeenCalledWith(envelope({ type: STARTED }), PARENT_ORIGIN);
    });
    deliver(handshake);
    deliver(handshake);
    expect(handlers.onHandshake).toHaveBeenCalledTimes(1);
    expect(toParent).toHaveBeenCalledExactlyOnceWith(envelope({ type: STARTED }), PARENT_ORIGIN);
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
