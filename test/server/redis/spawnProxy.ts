// Starts one of this folder's proxy processes (`proxyProcess.ts`, `streamProxyProcess.ts`) and resolves with the port
// it prints once listening; the child goes into `children` so the test's afterAll stops it.
import { type ChildProcess, spawn } from 'node:child_process';

export function spawnProxy(script: string, env: Record<string, string>, children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/server/redis/${script}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port !== undefined) resolve(Number(port));
    });
    child.once('exit', (code) => reject(new Error(`proxy process exited (${code}) before listening`)));
  });
}
