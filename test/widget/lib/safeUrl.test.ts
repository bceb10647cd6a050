import { describe, expect, it } from 'vitest';

import { safeUrl } from '../../../src/widget/lib/safeUrl';

describe('safeUrl', () => {
  it.each([
    ['https://www.mxbank.com', 'https://www.mxbank.com/'],
    ['http://bank.example/help?x=1', 'http://bank.example/help?x=1'],
    ['data:image/png;base64,iVBORw0KGgo=', 'data:image/png;base64,iVBORw0KGgo='],
    ['DATA:IMAGE/SVG+XML;BASE64,PHN2Zz4=', 'DATA:IMAGE/SVG+XML;BASE64,PHN2Zz4='],
  ])('lets %s into the page as %s', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'data:image/png,not-base64',
    'ftp://bank.example/file',
    '/relative/path',
    'not a url',
    '',
  ])('keeps %j out of the page', (url) => {
    expect(safeUrl(url)).toBeUndefined();
  });

  it('passes undefined through', () => {
    expect(safeUrl(undefined)).toBeUndefined();
  });
});
