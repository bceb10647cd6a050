import { describe, expect, it } from 'vitest';

import { readDemoConfig } from '../../../src/server/demo/demoConfig.ts';

const MX = { MX_BASE_URL: 'https://int-api.mx.com/', MX_CLIENT_ID: 'client-1', MX_API_KEY: 'key-1' };

describe('readDemoConfig', () => {
  it('defaults to the sandbox on 127.0.0.1:3000', () => {
    expect(readDemoConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      publicSandbox: false,
      trustProxy: false,
    });
  });

  it('honours PORT and HOST', () => {
    expect(readDemoConfig({ PORT: '0', HOST: '0.0.0.0' })).toEqual({
      port: 0,
      host: '0.0.0.0',
      publicSandbox: false,
      trustProxy: false,
    });
  });

  it.each(['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2'])(
    'serves the sandbox API on the network with DEMO_PUBLIC_SANDBOX=1 on a loopback HOST (%s)',
    (host) => {
      expect(readDemoConfig({ HOST: host, DEMO_PUBLIC_SANDBOX: '1' }).publicSandbox).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.20', 'demo.example'])(
    'refuses DEMO_PUBLIC_SANDBOX=1 on a non-loopback HOST (%s) unless DEMO_PUBLIC_SANDBOX_ON_NETWORK=1 says so too',
    (host) => {
      expect(() => readDemoConfig({ HOST: host, DEMO_PUBLIC_SANDBOX: '1' })).toThrow(
        /DEMO_PUBLIC_SANDBOX_ON_NETWORK=1/,
      );
      const config = readDemoConfig({ HOST: host, DEMO_PUBLIC_SANDBOX: '1', DEMO_PUBLIC_SANDBOX_ON_NETWORK: '1' });
      expect(config.publicSandbox).toBe(true);
    },
  );

  it('reads DEMO_TRUST_PROXY and DEMO_PUBLIC_URL (an http(s) origin)', () => {
    const config = readDemoConfig({ DEMO_TRUST_PROXY: '1', DEMO_PUBLIC_URL: 'https://Demo.Example/' });
    expect(config).toMatchObject({ trustProxy: true, publicUrl: 'https://demo.example' });
    expect(() => readDemoConfig({ DEMO_PUBLIC_URL: 'https://demo.example/path' })).toThrow(
      /must be an http\(s\) origin/,
    );
    expect(() => readDemoConfig({ DEMO_PUBLIC_URL: 'demo.example' })).toThrow(/not a URL/);
  });

  it('reads SANDBOX_AGGREGATION_MS (whole ms, 0 to 600000), for the built-in sandbox only', () => {
    expect(readDemoConfig({ SANDBOX_AGGREGATION_MS: '250' }).sandboxAggregationMs).toBe(250);
    expect(readDemoConfig({}).sandboxAggregationMs).toBeUndefined();
    expect(readDemoConfig({ SANDBOX_AGGREGATION_MS: '0' }).sandboxAggregationMs).toBe(0);
    for (const value of ['-1', '1.5', 'fast', '600001']) {
      expect(() => readDemoConfig({ SANDBOX_AGGREGATION_MS: value })).toThrow(
        /SANDBOX_AGGREGATION_MS must be an integer/,
      );
    }
    expect(() => readDemoConfig({ ...MX, SANDBOX_AGGREGATION_MS: '250' })).toThrow(/applies to the built-in sandbox/);
  });

  it('refuses a flag that is neither 1 nor 0, and DEMO_PUBLIC_SANDBOX together with MX', () => {
    expect(() => readDemoConfig({ DEMO_PUBLIC_SANDBOX: 'yes' })).toThrow(/DEMO_PUBLIC_SANDBOX must be 1 or 0/);
    expect(() => readDemoConfig({ ...MX, DEMO_PUBLIC_SANDBOX: '1' })).toThrow(/applies to the built-in sandbox/);
  });

  it.each(['abc', '-1', '65536', '3.5'])('refuses PORT=%s', (port) => {
    expect(() => readDemoConfig({ PORT: port })).toThrow(/PORT must be an integer/);
  });

  it('uses MX when all three MX variables are set, without a trailing slash on the base URL', () => {
    expect(readDemoConfig(MX).mx).toEqual({
      baseUrl: 'https://int-api.mx.com',
      clientId: 'client-1',
      apiKey: 'key-1',
    });
  });

  it.each(Object.keys(MX))('refuses to start when only %s is missing, and names it', (missing) => {
    const env: Record<string, string> = { ...MX, [missing]: '' };
    expect(() => readDemoConfig(env)).toThrow(new RegExp(`^${missing} is not set`));
  });

  it('names every missing variable when only one is set', () => {
    expect(() => readDemoConfig({ MX_API_KEY: 'key-1' })).toThrow(/^MX_BASE_URL and MX_CLIENT_ID are not set/);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => readDemoConfig({ ...MX, MX_BASE_URL: 'int-api.mx.com' })).toThrow(/MX_BASE_URL is not a URL/);
    expect(() => readDemoConfig({ ...MX, MX_BASE_URL: 'ftp://int-api.mx.com' })).toThrow(/http\(s\) URL/);
  });
});
