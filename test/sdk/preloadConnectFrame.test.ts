import { afterEach, describe, expect, it } from 'vitest';

import { preloadConnectFrame } from '../../src/sdk/preload';

afterEach(() => document.body.replaceChildren());

describe('preloadConnectFrame', () => {
  it('loads the frame URL in a hidden iframe without the origin fragment, and removes it once loaded', () => {
    preloadConnectFrame('/connect/frame/');
    const [iframe] = [...document.querySelectorAll('iframe')];
    if (!iframe) throw new Error('no iframe');
    // Without `#origin=` the frame renders nothing and talks to no window: nothing to hand a token to.
    expect(new URL(iframe.src).pathname).toBe('/connect/frame/');
    expect(new URL(iframe.src).hash).toBe('');
    expect(iframe.hidden).toBe(true);

    iframe.dispatchEvent(new Event('load'));
    expect(iframe.isConnected).toBe(false);
  });
});
