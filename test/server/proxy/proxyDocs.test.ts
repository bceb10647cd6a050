// docs/proxy.md's route list is derived from the route table: this fails when they differ. To update the doc, paste
// the output of `npx tsx test/server/proxy/routeDocs.ts` between the markers.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { responseFieldsTable, routesTable } from './routeDocs.ts';

const doc = readFileSync(new URL('../../../docs/proxy.md', import.meta.url), 'utf8');

function between(name: string): string {
  const start = doc.indexOf(`<!-- ${name}:start -->`);
  const end = doc.indexOf(`<!-- ${name}:end -->`);
  expect(start, `docs/proxy.md has the ${name} markers`).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return doc.slice(start + `<!-- ${name}:start -->`.length, end).trim();
}

describe('docs/proxy.md', () => {
  it('lists exactly the routes of the route table, with their query parameters, body and rate-limit group', () => {
    expect(between('routes')).toBe(routesTable());
  });

  it('lists exactly the response fields each route lets through', () => {
    expect(between('response-fields')).toBe(responseFieldsTable());
  });
});
