// Reads the demo server's settings from the environment. The MX trio is all-or-nothing: a demo that silently fell back
// to the sandbox because one variable had a typo would look like it talks to MX while it does not.

/** Where the demo's proxy sends MX requests when it is not the built-in sandbox. */
export interface MxUpstream {
  baseUrl: string;
  clientId: string;
  apiKey: string;
}

export interface DemoConfig {
  port: number;
  host: string;
  /** Present when MX_BASE_URL, MX_CLIENT_ID and MX_API_KEY are all set. */
  mx?: MxUpstream;
  /** `DEMO_PUBLIC_SANDBOX=1`: serve the sandbox's whole MX API at `/sandbox`. */
  publicSandbox: boolean;
  /** `DEMO_TRUST_PROXY=1`: a TLS-terminating reverse proxy in front sets `X-Forwarded-Proto` and `X-Forwarded-For`. */
  trustProxy: boolean;
  /** `DEMO_PUBLIC_URL`: the origin browsers use when it is not `http://HOST:PORT` (behind a reverse proxy). */
  publicUrl?: string;
  /** `SANDBOX_AGGREGATION_MS`: one aggregation phase of the built-in sandbox. */
  sandboxAggregationMs?: number;
}

export class DemoConfigError extends Error {
  override name = 'DemoConfigError';
}

const MX_VARIABLES = ['MX_BASE_URL', 'MX_CLIENT_ID', 'MX_API_KEY'] as const;

/**
 * @param env usually `process.env`
 * @throws DemoConfigError naming the offending variable
 */
export function readDemoConfig(env: Record<string, string | undefined>): DemoConfig {
  const port = readPort(env.PORT);
  const host = env.HOST?.trim() || '127.0.0.1';
  const publicSandbox = readFlag(env, 'DEMO_PUBLIC_SANDBOX');
  // The sandbox API answers anyone who knows its well-known key with every visitor's user and members: on a
  // reachable address that takes a second, explicit yes.
  if (publicSandbox && !isLoopbackHost(host) && !readFlag(env, 'DEMO_PUBLIC_SANDBOX_ON_NETWORK')) {
    throw new DemoConfigError(
      `DEMO_PUBLIC_SANDBOX=1 would publish the sandbox API (every visitor's user and members) on HOST=${host}, ` +
        'which is not a loopback address. Set DEMO_PUBLIC_SANDBOX_ON_NETWORK=1 as well if that is really meant.',
    );
  }

  const trustProxy = readFlag(env, 'DEMO_TRUST_PROXY');
  const publicUrl = readPublicUrl(env.DEMO_PUBLIC_URL);
  const sandboxAggregationMs = readAggregationMs(env.SANDBOX_AGGREGATION_MS);
  const common = {
    port,
    host,
    publicSandbox,
    trustProxy,
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(sandboxAggregationMs === undefined ? {} : { sandboxAggregationMs }),
  };

  const present = MX_VARIABLES.filter((name) => env[name]?.trim());
  if (present.length === 0) return common;
  if (present.length < MX_VARIABLES.length) {
    const missing = MX_VARIABLES.filter((name) => !present.includes(name));
    throw new DemoConfigError(
      `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set. Set all of MX_BASE_URL, ` +
        'MX_CLIENT_ID and MX_API_KEY to use MX, or none of them to use the built-in sandbox.',
    );
  }

  const baseUrl = (env.MX_BASE_URL ?? '').trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new DemoConfigError(`MX_BASE_URL is not a URL: ${JSON.stringify(baseUrl)}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new DemoConfigError('MX_BASE_URL must be an http(s) URL, for example https://int-api.mx.com.');
  }
  const sandboxOnly = publicSandbox
    ? 'DEMO_PUBLIC_SANDBOX'
    : sandboxAggregationMs !== undefined
      ? 'SANDBOX_AGGREGATION_MS'
      : null;
  if (sandboxOnly !== null) {
    throw new DemoConfigError(`${sandboxOnly} applies to the built-in sandbox; unset it or the MX variables.`);
  }
  return {
    ...common,
    mx: { baseUrl, clientId: (env.MX_CLIENT_ID ?? '').trim(), apiKey: (env.MX_API_KEY ?? '').trim() },
  };
}

/** `127.0.0.0/8`, `::1` and `localhost`: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

function readAggregationMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
    throw new DemoConfigError(
      `SANDBOX_AGGREGATION_MS must be an integer from 0 to 600000 (ms), got ${JSON.stringify(value)}.`,
    );
  }
  return ms;
}

function readPublicUrl(value: string | undefined): string | undefined {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new DemoConfigError(`DEMO_PUBLIC_URL is not a URL: ${JSON.stringify(trimmed)}.`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash) {
    throw new DemoConfigError('DEMO_PUBLIC_URL must be an http(s) origin, for example https://demo.example.com.');
  }
  return url.origin;
}

function readFlag(env: Record<string, string | undefined>, name: string): boolean {
  const value = env[name]?.trim() ?? '';
  if (value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new DemoConfigError(`${name} must be 1 or 0, got ${JSON.stringify(value)}.`);
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DemoConfigError(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(value)}.`);
  }
  return port;
}
