// `npm run docs`: fails when README.md or a page under docs/ points at a file that does not exist, so the docs
// cannot keep naming a file after it was renamed or deleted. Checked:
//   - relative markdown links `[text](path)`, resolved against the page's folder (`#anchors` and `?queries` dropped);
//   - backticked repo paths such as `src/widget/copy.ts` or `test/e2e/`, resolved against the repository root;
//   - backticked bare file names such as `bodySchemas.ts`, which must exist somewhere in the repository or ../shared.
// Paths under `../shared/` (the reference docs beside the repository) resolve against the repository's parent, from
// any page. Build outputs (`dist/`, `storybook-static/`, `bench/results/`) and `node_modules/` are not checked: a fresh
// clone has none of them. Plain JavaScript so it runs before anything is built.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist', 'storybook-static', 'coverage', 'test-results']);
const REPO_DIRS = ['src', 'test', 'stories', 'docs', 'scripts', 'bench', 'public', 'examples', '.storybook', '.ci'];
const NOT_IN_A_CLONE = /^(dist|storybook-static|node_modules|coverage|bench\/results)(\/|$)/;
// A code span that names a file: no spaces, no glob or placeholder characters, and a file extension we keep in the repo.
// A leading `_` or `-` is a suffix of a generated name (`_100.svg`), not a file.
const FILE_NAME = /^[A-Za-z.][\w.@-]*\.(ts|tsx|mts|mjs|cjs|js|json|md|css|html|yml|yaml|svg)$/;
const LINK = /(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const CODE_SPAN = /`([^`\n]+)`/g;

/** Every markdown page the check covers: README.md and docs/**\/*.md. */
export function docPages(root) {
  const pages = existsSync(path.join(root, 'README.md')) ? ['README.md'] : [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) pages.push(rel);
    }
  };
  if (existsSync(path.join(root, 'docs'))) walk('docs');
  return pages;
}

function fileNamesIn(root) {
  const names = new Set();
  if (!existsSync(root)) return names;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
      } else names.add(entry.name);
    }
  };
  walk(root);
  return names;
}

/** Where a path named on a page points, or `undefined` when it is not a path of ours (a URL, an anchor, a build output). */
function resolveTarget(root, page, target, { fromRoot }) {
  const clean = decodeURI(target.replace(/[#?].*$/, ''));
  if (clean === '' || /^[a-z][a-z\d+.-]*:/i.test(clean) || clean.startsWith('/')) return undefined;
  if (clean.startsWith('../shared/')) return path.join(path.dirname(root), clean.slice('../'.length));
  const resolved = path.resolve(fromRoot ? root : path.dirname(path.join(root, page)), clean);
  const rel = path.relative(root, resolved).split(path.sep).join('/');
  if (NOT_IN_A_CLONE.test(rel)) return undefined;
  return resolved;
}

/** A code span that names a repository path (`src/x.ts`, `test/e2e/`, `package.json`), or `undefined`. */
function pathInCodeSpan(span) {
  const text = span.trim();
  if (/[\s*{}<>|$…]/.test(text) || text.includes('://')) return undefined;
  if (text.startsWith('../shared/')) return text;
  const top = text.split('/')[0];
  if (text.includes('/') && REPO_DIRS.includes(top)) return text;
  return undefined;
}

/**
 * Problems on every page: `{ page, line, target, why }`. `root` is the repository root; `pages` defaults to README.md
 * and docs/**\/*.md.
 */
export function checkDocs(root, pages = docPages(root)) {
  const problems = [];
  let names;
  for (const page of pages) {
    const lines = readFileSync(path.join(root, page), 'utf8').split('\n');
    let fenced = false;
    lines.forEach((line, index) => {
      // Code blocks show commands and trees, not claims about this repository's files.
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return;
      const report = (target, why) => problems.push({ page, line: index + 1, target, why });

      for (const [, target] of line.matchAll(LINK)) {
        const resolved = resolveTarget(root, page, target, { fromRoot: false });
        if (resolved !== undefined && !existsSync(resolved)) report(target, 'link to a missing file');
      }
      for (const [, span] of line.replaceAll(LINK, '').matchAll(CODE_SPAN)) {
        const repoPath = pathInCodeSpan(span);
        if (repoPath !== undefined) {
          const resolved = resolveTarget(root, page, repoPath, { fromRoot: true });
          if (resolved !== undefined && !existsSync(resolved)) report(repoPath, 'names a missing path');
          if (
            resolved !== undefined &&
            repoPath.endsWith('/') &&
            existsSync(resolved) &&
            !statSync(resolved).isDirectory()
          ) {
            report(repoPath, 'names a folder that is a file');
          }
        } else if (FILE_NAME.test(span.trim())) {
          names ??= new Set([...fileNamesIn(root), ...fileNamesIn(path.join(path.dirname(root), 'shared'))]);
          if (!names.has(span.trim())) report(span.trim(), 'names a file that exists nowhere in the repository');
        }
      }
    });
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The repository this script lives in, or the one named as the first argument.
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkDocs(root);
  for (const { page, line, target, why } of problems) console.error(`${page}:${line}: \`${target}\` ${why}`);
  if (problems.length > 0) {
    console.error(`\ndocs check: ${problems.length} broken reference(s).`);
    process.exit(1);
  }
  console.log(`docs check: every link and file path in ${docPages(root).length} pages exists.`);
}
