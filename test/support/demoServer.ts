// Starts the BUILT demo (`node dist/node/demo.js`, what `npm start` runs) on a free loopback port, as a child process,
// and stops it. The e2e tests drive it with a real browser.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEMO_ENTRY = path.join(ROOT, 'dist/node/demo.js');

export interface RunningDemo {
  /** The origin the demo printed, without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Everything the server printed so far, for assertions and for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function startBuiltDemo(env: Record<string, string> = {}): Promise<RunningDemo> {
  if (!existsSync(DEMO_ENTRY) || !existsSync(path.join(ROOT, 'dist/demo/index.html'))) {
    throw new Error('The demo is not built: run `npm run build` before the e2e tests (npm test does).');
  }
  const child = spawn(process.execPath, [DEMO_ENTRY], {
    cwd: ROOT,
    // Real MX settings from the caller's shell must not leak into a test run.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the test process ends without calling stop() (a crash, a timeout), the server must not outlive it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /member-connect demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The demo exited (code ${code}) before listening:\n${output}`)));
  });

  return { url, output: () => output, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
