// The consumer type test (issue 14): test/consumer/ is a partner's strict TypeScript project. It gets the PACKED
// package (npm pack, unpacked into test/consumer/node_modules/member-connect, so only what is published counts) and
// compiles under moduleResolution bundler, node16 and nodenext. Its `// @ts-expect-error` lines must each be used, so
// `<ConnectWidget proxyUrl={42} notAProp />` compiling silently fails this step. Other packages (react, @types/node)
// resolve from the repository's node_modules, one directory up. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const consumer = path.join(root, 'test/consumer');
const installed = path.join(consumer, 'node_modules/member-connect');
const packDir = mkdtempSync(path.join(tmpdir(), 'member-connect-pack-'));

try {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' }),
  );
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(packDir, filename), '-C', installed, '--strip-components=1']);

  let failed = false;
  for (const resolution of ['bundler', 'node16', 'nodenext']) {
    try {
      execFileSync(
        process.execPath,
        [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`],
        {
          cwd: consumer,
          stdio: 'inherit',
        },
      );
      console.log(`consumer types: moduleResolution ${resolution}: ok`);
    } catch {
      console.error(`consumer types: moduleResolution ${resolution}: FAILED (see the tsc output above)`);
      failed = true;
    }
  }
  if (failed) process.exit(1);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
