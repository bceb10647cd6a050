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

  const present = MX_VARIABLES.filter((name) => env[name]?.trim());
  if (present.length === 0) return { port, host };
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
  return {
    port,
    host,
    mx: { baseUrl, clientId: (env.MX_CLIENT_ID ?? '').trim(), apiKey: (env.MX_API_KEY ?? '').trim() },
  };
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DemoConfigError(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(value)}.`);
  }
  return port;
}
