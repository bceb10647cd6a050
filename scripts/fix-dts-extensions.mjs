// After `tsc -p tsconfig.build.json`: gives every relative import in dist/types/**/*.d.ts the `.js` extension that
// `moduleResolution` node16/nodenext require (issue 14: with extensionless imports those resolutions found nothing,
// so with `skipLibCheck` every prop was silently `any`). The sources mix extensionless (browser code, bundler style)
// and `.ts` imports (server code), so each specifier is resolved against the emitted files, never guessed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../dist/types');
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;

function declarationsUnder(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? declarationsUnder(full) : entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const unresolved = [];
for (const file of declarationsUnder(root)) {
  const source = readFileSync(file, 'utf8');
  const fixed = source.replace(SPECIFIER, (match, keyword, quote, specifier) => {
    const bare = specifier.replace(/\.(ts|tsx|js)$/, '');
    const target = path.resolve(path.dirname(file), bare);
    if (existsSync(`${target}.d.ts`)) return `${keyword}${quote}${bare}.js${quote}`;
    if (existsSync(path.join(target, 'index.d.ts'))) return `${keyword}${quote}${bare}/index.js${quote}`;
    unresolved.push(`${path.relative(root, file)}: ${specifier}`);
    return match;
  });
  if (fixed !== source) writeFileSync(file, fixed);
}
if (unresolved.length) {
  console.error(`fix-dts-extensions: relative imports with no emitted declaration:\n  ${unresolved.join('\n  ')}`);
  process.exit(1);
}
