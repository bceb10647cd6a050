// A stream-driven connect in Chromium against the BUILT demo, whose proxy offers the status stream: the widget holds
// one `GET …/status/stream` open and never polls `GET …/status` (issue 15 §3).
import { describe, expect, it } from 'vitest';

import { builtDemoSuite } from '../support/builtDemoSuite.ts';
import { acceptConsent, searchResult, widget } from '../support/demoFlow.ts';

const suite = builtDemoSuite();

describe('status stream (built demo, Chromium)', { timeout: 60_000 }, () => {
  it('connects on one held stream request, with no status poll', async () => {
    const { page } = suite.t;
    const statusRequests: { path: string; accept: string | undefined }[] = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (/\/api\/connect\/members\/[^/]+\/status(\/stream)?$/.test(pathname)) {
        statusRequests.push({
          path: pathname.replace(/members\/[^/]+/, 'members/:guid'),
          accept: request.headers().accept,
        });
      }
    });
    await page.goto('/');
    await acceptConsent(widget(page));
    await widget(page).getByRole('searchbox', { name: 'Search for your bank' }).fill('mx bank');
    await searchResult(page, 'MX Bank').click();
    await widget(page).getByLabel('Username', { exact: true }).fill('mxuser');
    await widget(page).getByLabel('Password', { exact: true }).fill('password');
    await widget(page).getByRole('button', { name: 'Continue' }).click();
    await widget(page).getByRole('heading', { name: 'Connected', exact: true }).waitFor({ timeout: 30_000 });
    expect(statusRequests).toEqual([{ path: '/api/connect/members/:guid/status/stream', accept: 'text/event-stream' }]);
    expect(suite.t.problems.pageErrors).toEqual([]);
    expect(suite.t.problems.cspViolations).toEqual([]);
  });
});
