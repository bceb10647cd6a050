// Timing a partner chooses: createSandbox({ aggregationMs, challengeExpiryMs }) and the standalone CLI flags, checked
// so a typo fails loudly at startup.
import { describe, expect, it } from 'vitest';

import { parseSandboxArgs } from '../../../src/server/sandbox/cli.ts';
import { createSandbox } from '../../../src/server/sandbox/index.ts';
import { createHarness } from './harness.ts';

describe('chosen timing', () => {
  it('runs a connect at the chosen pace: 8 s phases, MFA expiring after the chosen time', async () => {
    const h = createHarness({ aggregationMs: 8000, challengeExpiryMs: 20_000 });
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    h.advance(7999);
    expect(await h.status(user, member)).toMatchObject({ connection_status: 'CREATED', is_being_aggregated: true });
    h.advance(1);
    expect(await h.status(user, member)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: true,
      has_processed_accounts: false,
    });
    h.advance(4000);
    expect((await h.status(user, member)).has_processed_accounts).toBe(true);
    h.advance(4000);
    expect(await h.status(user, member)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });

    const challenged = await h.createMxbankMember(user, 'challenge');
    h.advance(8000);
    expect((await h.status(user, challenged)).connection_status).toBe('CHALLENGED');
    h.advance(19_999);
    expect((await h.status(user, challenged)).connection_status).toBe('CHALLENGED');
    h.advance(1);
    expect((await h.status(user, challenged)).connection_status).toBe('EXPIRED');
  });

  it('connects at once with aggregationMs 0, and still waits for MFA answers', async () => {
    const h = createHarness({ aggregationMs: 0 });
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'pw');
    expect(await h.status(user, member)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
    const challenged = await h.createMxbankMember(user, 'challenge');
    expect((await h.status(user, challenged)).connection_status).toBe('CHALLENGED');
  });

  it.each([
    ['aggregationMs', -5],
    ['aggregationMs', Number.NaN],
    ['aggregationMs', Number.POSITIVE_INFINITY],
    ['aggregationMs', 10 * 60 * 1000 + 1],
    ['aggregationMs', '8000'],
    ['challengeExpiryMs', 0],
    ['challengeExpiryMs', 24 * 60 * 60 * 1000 + 1],
  ])('refuses %s = %s at creation', (name, value) => {
    expect(() => createSandbox({ [name]: value } as never)).toThrow(
      new RegExp(`${name} must be a number of milliseconds`),
    );
  });

  it('parses the CLI flags and refuses bad ones', () => {
    expect(parseSandboxArgs([])).toEqual({});
    expect(parseSandboxArgs(['--aggregation-ms', '8000'])).toEqual({ aggregationMs: 8000 });
    expect(parseSandboxArgs(['--aggregation-ms=250', '--challenge-expiry-ms', '60000'])).toEqual({
      aggregationMs: 250,
      challengeExpiryMs: 60_000,
    });
    expect(parseSandboxArgs(['--help'])).toBe('help');
    expect(() => parseSandboxArgs(['--aggregation-ms', '8s'])).toThrow(/whole number of milliseconds/);
    expect(() => parseSandboxArgs(['--aggregation-ms'])).toThrow();
    expect(() => parseSandboxArgs(['--aggregation', '8000'])).toThrow(/Unknown option/);
  });
});
