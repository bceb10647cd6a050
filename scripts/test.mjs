// `npm test`: every check, in the order that fails fastest. Each step is an npm script so it can be run alone.
import { spawnSync } from 'node:child_process';

const steps = [
  'lint',
  'format:check',
  'docs',
  'deadcode',
  'typecheck',
  'test:types',
  'test:unit',
  'build',
  'package',
  'size',
  'test:stories',
  'test:e2e',
];

for (const step of steps) {
  console.log(`\n== npm run ${step}`);
  const { status } = spawnSync('npm', ['run', '--silent', step], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\nnpm test: step "${step}" failed (exit ${status}).`);
    process.exit(status ?? 1);
  }
}
console.log('\nnpm test: all steps passed.');
