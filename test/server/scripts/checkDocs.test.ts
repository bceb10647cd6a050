// The docs check (scripts/check-docs.mjs) on a small fixture repository with a shared/ folder beside it: broken links
// and missing paths are reported with their page and line, everything that resolves (or is not ours) passes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { checkDocs } from '../../../scripts/check-docs.mjs';

const SCRIPT = path.resolve(import.meta.dirname, '../../../scripts/check-docs.mjs');
const dirs: string[] = [];

/** A repository at `<tmp>/repo` with `<tmp>/shared/docs/product.md` beside it. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'check-docs-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'shared/docs/product.md': '# Product\n',
    'repo/src/widget/copy.ts': 'export {};\n',
    'repo/src/server/proxy/bodySchemas.ts': 'export {};\n',
    'repo/docs/proxy.md': '# Proxy\n\n## Routes\n',
    ...Object.fromEntries(Object.entries(files).map(([name, text]) => [`repo/${name}`, text])),
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, 'repo');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const GOOD_README = [
  '# Fixture',
  'See [the proxy](docs/proxy.md#routes), [the product](../shared/docs/product.md) and [MX](https://docs.mx.com).',
  'Strings live in `src/widget/copy.ts`; bodies in `bodySchemas.ts`; tests in `src/widget/`.',
  'Built files such as `dist/lib/sdk.js` and `bench/results/latest.json` are not in a clone. [Up](#fixture)',
  '```',
  'src/not/checked/in/a/code/block.ts',
  '```',
].join('\n');

describe('docs check', () => {
  it('passes when every link and named path exists', () => {
    const root = fixture({
      'README.md': GOOD_README,
      'docs/guide.md': 'Back to [the readme](../README.md), [shared](../shared/docs/product.md).\n',
    });
    expect(checkDocs(root)).toEqual([]);
  });

  it('reports a broken link, a missing path and a missing file name, with page and line', () => {
    const root = fixture({
      'README.md': GOOD_README,
      'docs/guide.md': [
        '# Guide',
        'Read [the SDK page](sdk.md) and [the spec](../shared/spec/v1.yml).',
        'Events are declared in `src/widget/hostEvents.ts`.',
        'Body schemas: `bodySchema.ts`.',
      ].join('\n'),
    });
    expect(checkDocs(root)).toEqual([
      { page: 'docs/guide.md', line: 2, target: 'sdk.md', why: 'link to a missing file' },
      { page: 'docs/guide.md', line: 2, target: '../shared/spec/v1.yml', why: 'link to a missing file' },
      { page: 'docs/guide.md', line: 3, target: 'src/widget/hostEvents.ts', why: 'names a missing path' },
      {
        page: 'docs/guide.md',
        line: 4,
        target: 'bodySchema.ts',
        why: 'names a file that exists nowhere in the repository',
      },
    ]);
  });

  it('exits 1 and names each broken reference when run as a script', () => {
    const root = fixture({ 'README.md': 'Broken: [gone](docs/gone.md).\n' });
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('README.md:1: `docs/gone.md` link to a missing file');
  });

  it('exits 0 on a clean repository', () => {
    const root = fixture({ 'README.md': GOOD_README });
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
