// @vitest-environment node
// The SDK must be importable during server-side rendering: importing it may not touch window or document.
import { expect, it } from 'vitest';

const BROWSER_GLOBALS = ['window', 'document', 'self', 'location', 'navigator'];

it('importing member-connect/sdk touches no window, document or location', async () => {
  expect(typeof window).toBe('undefined');
  expect(typeof document).toBe('undefined');
  const touched: string[] = [];
  const originals = new Map(BROWSER_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]));
  for (const name of BROWSER_GLOBALS) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        return undefined;
      },
    });
  }
  try {
    const sdk = await import('../../src/sdk/index');
    expect(typeof sdk.mountConnectWidget).toBe('function');
    expect(Object.keys(sdk)).toEqual(['mountConnectWidget']);
  } finally {
    for (const [name, descriptor] of originals) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  }
  expect(touched).toEqual([]);
});
