// The byte-budget step's own checks, run for real on a tiny project: a clean tree passes and writes the first-load
// files size-limit measures; a browser entry that reaches the sandbox (and so hono) fails with the import chain.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCRIPT = path.join(ROOT, 'scripts/size-bundles.mjs');
const dirs: string[] = [];

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'size-bundles-'));
  dirs.push(dir);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const all: Record<string, string> = {
    'package.json': '{"type":"module"}',
    'src/sdk/index.ts': 'export const mount = (el: HTMLElement) => el.append(document.createElement("iframe"));',
    'src/frame/index.html': '<!doctype html><div id="root"></div><script type="module" src="./main.ts"></script>',
    'src/frame/main.ts': 'import { widget } from "../index.ts";\ndocument.body.append(widget());',
    'src/index.ts': 'export const widget = () => document.createElement("section");',
    'dist/frame/index.html':
      '<!doctype html><script type="module" src="./assets/main.js"></script><link rel="stylesheet" href="./assets/main.css">',
    'dist/frame/assets/main.js': 'import "./shared.js";\nimport("./lazy.js");\n',
    'dist/frame/assets/shared.js': 'document.body.append("shared");\n',
    'dist/frame/assets/lazy.js': 'document.body.append("lazy");\n',
    'dist/frame/assets/main.css': 'body{margin:0}\n',
    'dist/lib/sdk.iife.js': 'var MemberConnect=(()=>({}))();\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function run(dir: string) {
  const result = spawnSync(process.execPath, [SCRIPT], {
    env: { ...process.env, SIZE_BUNDLES_ROOT: dir },
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/size-bundles.mjs', () => {
  it('passes a clean tree and splits first-load files from lazy ones', () => {
    const dir = fixture({});
    const { status, output } = run(dir);
    expect(output).not.toContain('problem');
    expect(status).toBe(0);
    expect(readdirSync(path.join(dir, 'dist/size/frame')).sort()).toEqual([
      'assets__main.css',
      'assets__main.js',
      'assets__shared.js',
      'index.html',
    ]);
    expect(readdirSync(path.join(dir, 'dist/size/frame.lazy'))).toEqual(['assets__lazy.js']);
    expect(existsSync(path.join(dir, 'dist/size/member-connect/index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'dist/size/sdk/index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'dist/size/sdk-script/sdk.iife.js'))).toBe(true);
  });

  it('fails when a browser entry reaches server code, naming the import chain', () => {
    const dir = fixture({
      'src/server/sandbox/index.ts': 'import { Hono } from "hono";\nexport const sandbox = new Hono();',
      'src/widget/leak.ts': 'export { sandbox } from "../server/sandbox/index.ts";',
      'src/index.ts':
        'export { sandbox } from "./widget/leak.ts";\nexport const widget = () => document.createElement("section");',
    });
    const { status, output } = run(dir);
    expect(status).toBe(1);
    expect(output).toContain('member-connect: server or test code reachable from src/index.ts');
    expect(output).toContain('hono (hono) via src/index.ts → src/widget/leak.ts → src/server/sandbox/index.ts');
    expect(output).toContain('frame: server or test code reachable from src/frame/main.ts');
  });

  it('fails when a Node built-in reaches the SDK', () => {
    const dir = fixture({
      'src/sdk/index.ts': 'import { randomUUID } from "node:crypto";\nexport const id = randomUUID;',
    });
    const { status, output } = run(dir);
    expect(status).toBe(1);
    expect(output).toMatch(
      /sdk: server or test code reachable from src\/sdk\/index\.ts:\n\s+\(node-builtin\) node:crypto/,
    );
  });
});
