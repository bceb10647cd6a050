import { describe, expect, it } from 'vitest';

import { readDemoConfig } from '../../../src/server/demo/demoConfig.ts';

const MX = { MX_BASE_URL: 'https://int-api.mx.com/', MX_CLIENT_ID: 'client-1', MX_API_KEY: 'key-1' };

describe('readDemoConfig', () => {
  it('defaults to the sandbox on 127.0.0.1:3000', () => {
    expect(readDemoConfig({})).toEqual({ port: 3000, host: '127.0.0.1' });
  });

  it('honours PORT and HOST', () => {
    expect(readDemoConfig({ PORT: '0', HOST: '0.0.0.0' })).toEqual({ port: 0, host: '0.0.0.0' });
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
