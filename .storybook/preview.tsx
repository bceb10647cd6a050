import '../src/widget/styles.css';

import type { Preview } from '@storybook/react-vite';
import { isCommonAssetRequest } from 'msw';
import { setupWorker } from 'msw/browser';
import { createPreviewAnnotations } from 'msw-storybook-addon/preview';

import { VIEWPORTS } from '../stories/support/viewports';

// One service worker for the whole preview. Any request to the widget's API that no story handler answers is an
// error (the same rule as the unit tests); Storybook's and Vite's own module requests pass through untouched.
const BASE = import.meta.env.BASE_URL;

const msw = createPreviewAnnotations(async () => {
  const worker = setupWorker();
  await worker.start({
    quiet: true,
    // The static build uses a relative base (it is served under /storybook by the demo), Vite's dev server and
    // the vitest browser use '/': resolve the worker next to iframe.html in both.
    serviceWorker: { url: BASE.startsWith('/') ? `${BASE}mockServiceWorker.js` : 'mockServiceWorker.js' },
    onUnhandledRequest(request, print) {
      const url = new URL(request.url);
      // Stories stay on loopback: a sandbox institution's https://….example link or image must never go out.
      if (url.origin !== location.origin) {
        throw new Error(`Stories make no requests off this origin: ${request.method} ${url.origin}`);
      }
      if (isCommonAssetRequest(request)) return;
      if (!url.pathname.includes('/api/')) return;
      print.error();
      // Printing alone would let the request through to the dev server; failing it is what a test needs.
      throw new Error(`No story handler for ${request.method} ${request.url}`);
    },
  });
  return worker;
});

const preview: Preview = {
  ...msw,
  tags: ['autodocs'],
  parameters: {
    // Every story is also an accessibility test: an axe violation fails the story in `npm test`.
    a11y: { test: 'error' },
    viewport: { options: VIEWPORTS },
    layout: 'padded',
  },
};

export default preview;
