// The standalone sandbox's command line (`npm run sandbox -- --aggregation-ms 8000`). Node-only, used by main.ts.
import { parseArgs } from 'node:util';

import type { SandboxOptions } from './createSandbox.ts';

export const SANDBOX_USAGE = `Usage: npm run sandbox -- [options]   (PORT and HOST from the environment)
  --aggregation-ms <ms>        one aggregation phase (default 1500); e.g. 8000 to try a slow bank and real polling
  --challenge-expiry-ms <ms>   an unanswered MFA challenge ends EXPIRED after this long (default 300000)
  --webhook-url <url>          POST MX-format webhooks there as members change (http://user:pass@host/path sends
                               the user and password as HTTP Basic, as MX does for a protected endpoint)
  --base-path <path|url>       where browsers reach this server, when a reverse proxy serves it under a prefix
                               (e.g. /mx or https://bank.example/mx): logo, site-key and OAuth URLs use it
  --help                       this text`;

export type SandboxCliOptions = Pick<SandboxOptions, 'aggregationMs' | 'challengeExpiryMs' | 'webhookUrl' | 'basePath'>;

/** Parses the flags; throws an Error whose message says what is wrong (main.ts prints it with the usage). */
export function parseSandboxArgs(argv: readonly string[]): SandboxCliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'aggregation-ms': { type: 'string' },
      'challenge-expiry-ms': { type: 'string' },
      'webhook-url': { type: 'string' },
      'base-path': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const milliseconds = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`--${flag} must be a whole number of milliseconds (got "${raw}").`);
    return Number(raw);
  };
  const options: SandboxCliOptions = {};
  const aggregationMs = milliseconds('aggregation-ms', values['aggregation-ms']);
  const challengeExpiryMs = milliseconds('challenge-expiry-ms', values['challenge-expiry-ms']);
  if (aggregationMs !== undefined) options.aggregationMs = aggregationMs;
  if (challengeExpiryMs !== undefined) options.challengeExpiryMs = challengeExpiryMs;
  if (values['webhook-url'] !== undefined) options.webhookUrl = values['webhook-url'];
  if (values['base-path'] !== undefined) options.basePath = values['base-path'];
  return options;
}
