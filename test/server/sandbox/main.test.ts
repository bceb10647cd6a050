// `npm run sandbox`'s entry as a real process: honours PORT/HOST, prints the base URL, client id and API key, and
// answers MX requests on loopback.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { AUTH, MX_ACCEPT } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('standalone sandbox (main.ts)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
  });

  it('listens on PORT/HOST and prints what a client needs', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server/sandbox/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const baseUrl = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('State is kept in memory')) {
          const match = /base URL:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
          else reject(new Error(`no base URL in: ${output}`));
        }
      });
      child?.once('exit', (code) => reject(new Error(`sandbox exited early (${code}): ${output}`)));
    });
    expect(output).toContain('client id: sandbox-client-id');
    expect(output).toContain('API key:   sandbox-api-key');
    const reply = await fetch(`${baseUrl}/institutions/mxbank`, {
      headers: { Authorization: AUTH, Accept: MX_ACCEPT },
    });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { institution: { medium_logo_url: string } }).institution.medium_logo_url).toBe(
      `${baseUrl}/logos/mxbank_100.svg`,
    );
    expect(output).toContain('aggregation phase 1500 ms');
  });

  it('takes --aggregation-ms and says so; refuses a bad value with exit code 2 and the usage', async () => {
    const start = (args: string[]) => {
      const process_ = spawn(process.execPath, ['--import', 'tsx', 'src/server/sandbox/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      process_.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      process_.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return { process_, output: () => output };
    };
    const good = start(['--aggregation-ms', '8000']);
    child = good.process_;
    await new Promise<void>((resolve, reject) => {
      good.process_.stdout.on('data', () => {
        if (good.output().includes('State is kept in memory')) resolve();
      });
      good.process_.once('exit', (code) => reject(new Error(`exited early (${code}): ${good.output()}`)));
    });
    expect(good.output()).toContain('aggregation phase 8000 ms');

    const bad = start(['--aggregation-ms', 'soon']);
    const code = await new Promise<number | null>((resolve) => bad.process_.once('exit', resolve));
    expect(code).toBe(2);
    expect(bad.output()).toContain('--aggregation-ms must be a whole number of milliseconds');
    expect(bad.output()).toContain('Usage: npm run sandbox');
  });
});
