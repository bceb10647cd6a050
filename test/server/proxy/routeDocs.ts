// The route list of docs/proxy.md, generated from the route table. proxyDocs.test.ts fails when the doc differs;
// `npx tsx test/server/proxy/routeDocs.ts` prints the blocks to paste.
import { PROXY_ROUTES } from '../../../src/server/proxy/proxyRoutes.ts';
import type { ResponseShape } from '../../../src/server/proxy/responseShape.ts';
import { shapeFields } from '../../../src/server/proxy/responseShape.ts';

const code = (text: string) => `\`${text}\``;
const pathOf = (path: string) => path.replace(/:([a-z_]+)/g, '{$1}');

export function routesTable(): string {
  const rows = PROXY_ROUTES.map((route) => {
    const query = Object.entries(route.query)
      .map(([name, rule]) => (rule.repeatable === true ? `${code(name)} (repeatable)` : code(name)))
      .join(', ');
    const group =
      route.credentialsGroup === undefined
        ? code(route.group)
        : `${code(route.group)}, ${code(route.credentialsGroup)} with credentials`;
    return `| ${code(`${route.method} ${pathOf(route.path)}`)} | ${query || '–'} | ${route.body === 'none' ? '–' : code(route.body)} | ${group} |`;
  });
  return [
    '| method and path | query parameters | body schema | rate-limit group |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Each distinct response allow-list once, with the routes that use it. */
export function responseFieldsTable(): string {
  const byFields = new Map<string, string[]>();
  for (const route of PROXY_ROUTES) {
    const fields = describeShape(route.response);
    byFields.set(fields, [...(byFields.get(fields) ?? []), code(`${route.method} ${pathOf(route.path)}`)]);
  }
  const rows = [...byFields].map(([fields, routes]) => `| ${routes.join(', ')} | ${fields} |`);
  return ['| routes | the only fields that reach the browser |', '| --- | --- |', ...rows].join('\n');
}

const leafText = (leaf: string) =>
  leaf.endsWith('?') ? `${code(leaf.slice(0, -1))} (with ${code(`memberFields.${leaf.slice(0, -1)}`)})` : code(leaf);

function describeShape(shape: ResponseShape): string {
  const groups = new Map<string, string[]>();
  for (const path of shapeFields(shape)) {
    const cut = path.lastIndexOf('.');
    const [parent, leaf] = cut === -1 ? ['', path] : [path.slice(0, cut), path.slice(cut + 1)];
    groups.set(parent, [...(groups.get(parent) ?? []), leaf]);
  }
  if (groups.size === 0) return 'none (an empty object)';
  return [...groups]
    .map(([parent, leaves]) => `${parent === '' ? '' : `${code(parent)}: `}${leaves.map(leafText).join(', ')}`)
    .join('; ');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`${routesTable()}\n\n${responseFieldsTable()}`);
}
