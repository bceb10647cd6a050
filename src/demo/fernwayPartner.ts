// The demo partner as the widget's consent and success screens name it. The logo is the page's own mark, inlined as a
// data: URL (allowed by the demo's img-src) so the demo needs no image file.
import type { ConnectPartner } from '../index.ts';

export const FERNWAY: ConnectPartner = {
  name: 'Fernway',
  logoUrl:
    'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+PHJlY3Qgd2lkdGg9IjMyIiBoZWlnaHQ9IjMyIiByeD0iOCIgZmlsbD0iIzBkNmI1ZSIvPjxwYXRoIGQ9Ik05IDIzVjloMTN2My40aC05LjF2Mi42aDh2My4zaC04VjIzeiIgZmlsbD0iI2ZmZiIvPjwvc3ZnPg==',
  privacyPolicyUrl: 'https://fernway.example/privacy',
};
