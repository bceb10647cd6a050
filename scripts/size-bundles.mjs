// First step of `npm run size` (then `size-limit` reads .size-limit.json). It produces, for each byte budget, the
// exact set of files a browser must download for the first screen, in dist/size/<budget>/, so that size-limit's gzip
// (level 9, per file, summed) measures what a partner really ships:
//
//   member-connect  src/index.ts bundled with every npm dependency (React and react-dom external, because the partner
//                   already has them), minified, production, plus the stylesheet partners import separately
//                   (package.json exports "./styles.css"). Chunks reached only by a dynamic
//                   import() (other locales, late screens) are not first load and go to dist/size/member-connect.lazy/.
//   frame           the built iframe page dist/frame/: its HTML, its module script and stylesheets and every chunk
//                   those import statically (React included). Lazy chunks go to dist/size/frame.lazy/.
//   sdk             src/sdk/index.ts bundled and minified (no dependencies allowed); and, under the same 2 kB
//                   limit, the classic-script build dist/lib/sdk.iife.js as shipped.
//
// It also fails when server code (src/server, hono, @hono/*, node: built-ins) or test-only code (msw, test/) is
// reachable from any browser entry: it reads the esbuild metafile inputs of the three source bundles (the frame's
// source entry is bundled for this check even though its bytes are measured from dist/frame).
//
// Why esbuild and not dist/lib/index.js alone: the library build leaves @tanstack/react-query, react-hook-form and
// valibot external, and they are shipped bytes for the partner. esbuild is the measure the budgets were set with.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { build, transform } from 'esbuild';

// SIZE_BUNDLES_ROOT lets the checker's own test run it on a small fixture project.
const root = path.resolve(process.env.SIZE_BUNDLES_ROOT ?? path.join(import.meta.dirname, '..'));
const outRoot = path.join(root, 'dist/size');
const rel = (p) => path.relative(root, p).split(path.sep).join('/');

const REACT = ['react', 'react-dom', 'react/*', 'react-dom/*', 'scheduler'];
const FORBIDDEN = [
  { pattern: /(^|\/)src\/server\//, why: 'server code (src/server)' },
  { pattern: /node_modules\/hono\//, why: 'hono' },
  { pattern: /node_modules\/@hono\//, why: '@hono/*' },
  { pattern: /^node:|^\(node-builtin\)/, why: 'a Node built-in' },
  { pattern: /node_modules\/msw\//, why: 'msw (test-only)' },
  { pattern: /(^|\/)test\//, why: 'test-only code (test/)' },
];

// Vite's resolve order.
const EXTENSIONS = ['.mjs', '.js', '.mts', '.ts', '.jsx', '.tsx', '.json'];
const isFile = (p) => existsSync(p) && statSync(p).isFile();
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const fmt = (n) => n.toLocaleString('en-US');

/** esbuild plugin: record Node built-ins instead of failing to resolve them, and tolerate Vite-only suffixes. */
const browserGuards = (seenBuiltins) => ({
  name: 'browser-guards',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|os|crypto|http|https|net|stream|zlib|url|util|child_process)$/ }, (a) => {
      seenBuiltins.add(`(node-builtin) ${a.path}`);
      return { path: a.path, external: true };
    });
    // `?raw` and `?url` are Vite features; measure `?raw` as the text it inlines and `?url` as a URL string.
    b.onResolve({ filter: /\?(raw|url|inline)$/ }, (a) => {
      const [file, query] = a.path.split('?');
      return { path: path.resolve(path.dirname(a.importer), file), namespace: 'vite-query', pluginData: query };
    });
    // Resolve relative imports case-sensitively, as Vite does on Linux. esbuild looks names up case-insensitively,
    // so with connectFlow.ts beside ConnectFlow.tsx it can pick the wrong one.
    b.onResolve({ filter: /^\.\.?(\/|$)/ }, (a) => {
      if (a.kind === 'entry-point' || a.path.includes('?')) return undefined;
      const base = path.resolve(a.resolveDir, a.path);
      const candidates = [
        base,
        ...(/\.[cm]?js$/.test(base) ? ['.ts', '.tsx', '.mts'].map((ext) => base.replace(/\.[cm]?js$/, ext)) : []),
        ...EXTENSIONS.map((ext) => base + ext),
        ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`)),
      ];
      const found = candidates.find(isFile);
      return found ? { path: found } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'vite-query' }, (a) =>
      a.pluginData === 'url'
        ? { contents: `export default ${JSON.stringify(path.basename(a.path))}`, loader: 'js' }
        : { contents: readFileSync(a.path, 'utf8'), loader: 'text' },
    );
  },
});

/** Bundle one source entry; returns its output files split into first load and lazy, plus the input list. */
async function bundleSource(entry, { external }) {
  const builtins = new Set();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: path.join(outRoot, '.tmp'),
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    jsx: 'automatic',
    resolveExtensions: [...EXTENSIONS, '.css'],
    external,
    define: {
      'process.env.NODE_ENV': '"production"',
      'import.meta.env.PROD': 'true',
      'import.meta.env.DEV': 'false',
      'import.meta.env.MODE': '"production"',
    },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff2': 'file', '.json': 'json' },
    plugins: [browserGuards(builtins)],
  });
  const { outputs } = result.metafile;
  // With code splitting, every chunk reached by import() is an entry point in the metafile too: pick the real entry's.
  const entryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint === rel(entry) && o.endsWith('.js'));
  // Static closure from the entry: chunks imported by `import … from`, plus the CSS bundle of each.
  const first = new Set();
  const visit = (o) => {
    if (first.has(o)) return;
    first.add(o);
    if (outputs[o].cssBundle) first.add(outputs[o].cssBundle);
    for (const imp of outputs[o].imports) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
  };
  visit(entryOut);
  const files = result.outputFiles
    .filter((f) => !f.path.endsWith('.map'))
    .map((f) => {
      const key = rel(f.path);
      return { name: path.basename(f.path), contents: f.contents, firstLoad: first.has(key), meta: outputs[key] };
    });
  return { files, metafile: result.metafile, builtins, outputs, first };
}

/** The first-load files of a built HTML page: the page, its module scripts, stylesheets and their static imports. */
async function htmlFirstLoad(htmlPath) {
  const dir = path.dirname(htmlPath);
  const html = readFileSync(htmlPath, 'utf8');
  const attr = (tag, name) => tag.match(new RegExp(`\\s${name}=["']([^"']+)["']`))?.[1];
  const local = (href) => (href && !/^(https?:)?\/\//.test(href) ? path.resolve(dir, href.replace(/^\//, './')) : null);
  const scripts = [];
  const styles = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
    const src = local(attr(tag, 'src'));
    if (src) scripts.push(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const relAttr = attr(tag, 'rel');
    const href = local(attr(tag, 'href'));
    if (!href) continue;
    if (relAttr === 'stylesheet') styles.push(href);
    if (relAttr === 'modulepreload') scripts.push(href);
  }
  if (scripts.length === 0) throw new Error(`${rel(htmlPath)} loads no local module script`);
  // Let esbuild parse the built chunks to find which imports are static; only its input graph is used.
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: scripts,
    bundle: true,
    splitting: true,
    format: 'esm',
    outdir: path.join(outRoot, '.tmp'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['*.css'],
    plugins: [
      {
        // Vite with base '/' writes root-relative chunk URLs; they live under the page's folder.
        name: 'root-relative',
        setup(b) {
          b.onResolve({ filter: /^\// }, (a) =>
            a.kind === 'entry-point' ? undefined : { path: path.join(dir, a.path) },
          );
        },
      },
    ],
  });
  const files = new Set([htmlPath, ...styles]);
  const visit = (abs) => {
    if (files.has(abs)) return;
    files.add(abs);
    for (const imp of metafile.inputs[rel(abs)]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external) visit(path.resolve(root, imp.path));
    }
  };
  scripts.forEach(visit);
  const all = readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile() && /\.(js|css|html)$/.test(f));
  return all.map((f) => ({
    name: rel(f)
      .replace(/^dist\/frame\//, '')
      .replaceAll('/', '__'),
    contents: readFileSync(f),
    firstLoad: files.has(f),
  }));
}

function frameSourceEntry() {
  const dir = path.join(root, 'src/frame');
  const html = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.html')) : undefined;
  if (html) {
    const src = readFileSync(path.join(dir, html), 'utf8').match(/<script\b[^>]*\bsrc=["']([^"']+)["']/)?.[1];
    if (src) return path.resolve(dir, src.replace(/^\//, './'));
  }
  return ['main.tsx', 'main.ts', 'index.tsx', 'index.ts'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

function frameBuiltHtml() {
  const dir = path.join(root, 'dist/frame');
  if (!existsSync(dir)) return undefined;
  const pages = readdirSync(dir).filter((f) => f.endsWith('.html'));
  const page = pages.includes('index.html') ? 'index.html' : pages[0];
  return page && path.join(dir, page);
}

/** Forbidden inputs, one line per package or folder, each with the import chain that first reaches it. */
function leaks(bundle, entry) {
  const graph = bundle.metafile.inputs;
  const start = rel(entry);
  // Breadth-first from the entry so the reported chain is the shortest one.
  const via = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const cur = queue.shift();
    for (const imp of graph[cur]?.imports ?? []) {
      const next = imp.external ? `(node-builtin) ${imp.path}` : imp.path;
      if (!via.has(next)) {
        via.set(next, cur);
        if (!imp.external) queue.push(next);
      }
    }
  }
  // The chain stops at the first forbidden module: what matters is who let it in.
  const chain = (node) => {
    const out = [];
    for (let n = node; n; n = via.get(n)) out.unshift(n);
    const cut = out.findIndex((n) => FORBIDDEN.some((f) => f.pattern.test(n)));
    return out.slice(0, cut + 1).join(' → ');
  };
  const groups = new Map();
  for (const input of [...Object.keys(graph), ...bundle.builtins]) {
    const hit = FORBIDDEN.find((f) => f.pattern.test(input));
    if (!hit) continue;
    const group = input.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? input.replace(/ ← .*/, '');
    if (!groups.has(group)) groups.set(group, `${group} (${hit.why}) via ${chain(input.replace(/ ← .*/, ''))}`);
  }
  return [...groups.values()];
}

function write(name, files) {
  for (const suffix of ['', '.lazy']) {
    rmSync(path.join(outRoot, name + suffix), { recursive: true, force: true });
    mkdirSync(path.join(outRoot, name + suffix), { recursive: true });
  }
  for (const f of files) writeFileSync(path.join(outRoot, name + (f.firstLoad ? '' : '.lazy'), f.name), f.contents);
}

function topInputs(outputs, first, n = 6) {
  const bytes = new Map();
  for (const o of first) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[o]?.inputs ?? {})) {
      const key = input.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? input.replace(/\/[^/]+$/, '/');
      if (bytesInOutput > 0) bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].sort((a, b) => b[1] - a[1]).slice(0, n);
}

const problems = [];
const report = {};

async function measureSource(name, entry, external) {
  if (!entry || !existsSync(entry)) {
    problems.push(`${name}: entry ${entry ? rel(entry) : '(none found)'} does not exist`);
    return undefined;
  }
  let bundle;
  try {
    bundle = await bundleSource(entry, { external });
  } catch (error) {
    const details = error.errors?.map((e) => `${e.location?.file ?? ''}:${e.location?.line ?? ''} ${e.text}`) ?? [
      error.message,
    ];
    problems.push(`${name}: esbuild could not bundle ${rel(entry)}:\n    ${details.join('\n    ')}`);
    return undefined;
  }
  const leaked = leaks(bundle, entry);
  if (leaked.length)
    problems.push(`${name}: server or test code reachable from ${rel(entry)}:\n    ${leaked.join('\n    ')}`);
  return bundle;
}

/**
 * The widget's stylesheet is a separate import for partners (`member-connect/styles.css` in package.json exports), so
 * it is not reachable from src/index.ts; it is first-load bytes all the same. Read from the build, minified again.
 */
async function partnerStylesheet() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const target = pkg.exports?.['./styles.css'];
  if (typeof target !== 'string') return undefined;
  const file = path.join(root, target);
  if (!existsSync(file)) {
    // A packaging bug rather than a byte budget, so a warning: the budget then covers the JavaScript only.
    console.warn(`member-connect: WARNING ${target} (package.json exports "./styles.css") is not built; not counted`);
    return undefined;
  }
  const { code } = await transform(readFileSync(file, 'utf8'), { loader: 'css', minify: true, legalComments: 'none' });
  return { name: 'styles.css', contents: Buffer.from(code), firstLoad: true };
}

const entries = {
  'member-connect': path.join(root, 'src/index.ts'),
  sdk: path.join(root, 'src/sdk/index.ts'),
};
for (const [name, entry] of Object.entries(entries)) {
  const bundle = await measureSource(name, entry, name === 'member-connect' ? REACT : []);
  if (!bundle) continue;
  if (name === 'member-connect') {
    const css = await partnerStylesheet();
    if (css) bundle.files.push(css);
  }
  write(name, bundle.files);
  report[name] = { source: rel(entry), files: bundle.files, top: topInputs(bundle.outputs, bundle.first) };
}

// The SDK also ships as a classic script (dist/lib/sdk.iife.js, global MemberConnect) for pages without a bundler;
// it is measured as built, since that file is what such a page loads.
const sdkScript = path.join(root, 'dist/lib/sdk.iife.js');
if (existsSync(sdkScript)) {
  write('sdk-script', [{ name: 'sdk.iife.js', contents: readFileSync(sdkScript), firstLoad: true }]);
  report['sdk-script'] = {
    source: rel(sdkScript),
    files: [{ name: 'sdk.iife.js', contents: readFileSync(sdkScript), firstLoad: true }],
    top: [],
  };
} else {
  problems.push('sdk-script: dist/lib/sdk.iife.js not found (run `npm run build` first)');
}

// The frame: bytes from the real build (dist/frame), leak check from its source entry.
const frameEntry = frameSourceEntry();
const frameBundle = await measureSource('frame', frameEntry, []);
const frameHtml = frameBuiltHtml();
if (!frameHtml) {
  problems.push('frame: dist/frame/*.html not found (run `npm run build` first)');
} else {
  let files = [];
  try {
    files = await htmlFirstLoad(frameHtml);
  } catch (error) {
    problems.push(`frame: could not read the first-load files of ${rel(frameHtml)}: ${error.message}`);
  }
  write('frame', files);
  report.frame = {
    source: rel(frameHtml),
    files,
    top: frameBundle ? topInputs(frameBundle.outputs, frameBundle.first) : [],
  };
}
rmSync(path.join(outRoot, '.tmp'), { recursive: true, force: true });

for (const [name, r] of Object.entries(report)) {
  const first = r.files.filter((f) => f.firstLoad);
  const lazy = r.files.filter((f) => !f.firstLoad);
  const sum = (fs, fn) => fs.reduce((s, f) => s + fn(f.contents), 0);
  console.log(
    `${name} (${r.source}): first load ${first.length} file(s), ${fmt(sum(first, (c) => c.length))} B minified, ` +
      `${fmt(sum(first, gz))} B gzip; lazy ${lazy.length} file(s), ${fmt(sum(lazy, gz))} B gzip`,
  );
  if (r.top.length)
    console.log(`  largest inputs (minified bytes): ${r.top.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  r.firstLoadGzip = sum(first, gz);
}
writeFileSync(
  path.join(outRoot, 'report.json'),
  JSON.stringify(
    Object.fromEntries(
      Object.entries(report).map(([k, r]) => [
        k,
        {
          source: r.source,
          firstLoadGzip: r.firstLoadGzip,
          firstLoad: r.files
            .filter((f) => f.firstLoad)
            .map((f) => ({ file: f.name, bytes: f.contents.length, gzip: gz(f.contents) })),
          lazy: r.files
            .filter((f) => !f.firstLoad)
            .map((f) => ({ file: f.name, bytes: f.contents.length, gzip: gz(f.contents) })),
          largestInputs: Object.fromEntries(r.top),
        },
      ]),
    ),
    null,
    2,
  ),
);

if (problems.length) {
  console.error(`\nsize: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
