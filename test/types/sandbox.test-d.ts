// Type tests for the entry `member-connect/sandbox` (src/server/sandbox/index.ts): the MX emulator's options.
import { describe, expectTypeOf, it } from 'vitest';

import {
  createSandbox,
  type MX_MEDIA_TYPE,
  type SANDBOX_API_KEY,
  type SANDBOX_CLIENT_ID,
  type SandboxOptions,
} from '../../src/server/sandbox/index.ts';

describe('createSandbox', () => {
  it('needs no options', () => {
    const sandbox = createSandbox();
    expectTypeOf(sandbox.fetch).toBeFunction();
    expectTypeOf(sandbox.request).returns.resolves.toEqualTypeOf<Response>();
  });

  it('accepts credentials, timings and an injected clock', () => {
    const options: SandboxOptions = {
      clientId: 'client',
      apiKey: 'key',
      aggregationMs: 25,
      challengeExpiryMs: 60_000,
      now: () => 0,
      sleep: async () => {},
    };
    createSandbox(options);
    expectTypeOf<SandboxOptions['now']>().toEqualTypeOf<(() => number) | undefined>();
  });

  it('refuses wrong types and unknown options', () => {
    // @ts-expect-error aggregationMs is a number of milliseconds
    createSandbox({ aggregationMs: '1s' });
    // @ts-expect-error the clock returns milliseconds, not a Date
    createSandbox({ now: () => new Date() });
    // @ts-expect-error unknown option
    createSandbox({ latencyMs: 10 });
  });

  it('exports its credentials and MX media type as literals', () => {
    expectTypeOf<typeof SANDBOX_CLIENT_ID>().toEqualTypeOf<'sandbox-client-id'>();
    expectTypeOf<typeof SANDBOX_API_KEY>().toEqualTypeOf<'sandbox-api-key'>();
    expectTypeOf<typeof MX_MEDIA_TYPE>().toEqualTypeOf<'application/vnd.mx.api.v1+json'>();
  });
});
