// Stream-driven connects in Chromium against the BUILT demo, whose proxy offers the status stream: the widget holds
// one `GET …/status/stream` open for the whole wait, MFA included, and never polls `GET …/status` (issue 15 §3,
// issue 16 §3).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { builtDemoSuite } from '../support/builtDemoSuite.ts';
import { logInToMxBank, widget } from '../support/demoFlow.ts';

const suite = builtDemoSuite();

/** Every request the page makes for a status (the stream, or a poll) or for challenges. */
function recordStatusRequests(page: Page) {
  const statusRequests: { path: string; accept: string | undefined }[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (/\/api\/connect\/members\/[^/]+\/(status(\/stream)?|challenges)$/.test(pathname)) {
      statusRequests.push({
        path: pathname.replace(/members\/[^/]+/, 'members/:guid'),
        accept: request.headers().accept,
      });
    }
  });
  return statusRequests;
}

const ONE_STREAM = [{ path: '/api/connect/members/:guid/status/stream', accept: 'text/event-stream' }];

describe('status stream (built demo, Chromium)', { timeout: 60_000 }, () => {
  it('connects on one held stream request, with no status poll', async () => {
    const { page } = suite.t;
    const statusRequests = recordStatusRequests(page);
    await logInToMxBank(page, 'password');
    await widget(page).getByRole('heading', { name: 'Connected', exact: true }).waitFor({ timeout: 30_000 });
    expect(statusRequests).toEqual(ONE_STREAM);
    expect(suite.t.problems.pageErrors).toEqual([]);
    expect(suite.t.problems.cspViolations).toEqual([]);
  });

  it('holds that one stream through an MFA question and its answer', async () => {
    const { page } = suite.t;
    const statusRequests = recordStatusRequests(page);
    await logInToMxBank(page, 'challenge');
    await widget(page).getByLabel('What city were you born in?', { exact: true }).fill('correct', { timeout: 30_000 });
    await widget(page).getByRole('button', { name: 'Submit' }).click();
    await widget(page).getByRole('heading', { name: 'Connected', exact: true }).waitFor({ timeout: 30_000 });
    // The question came in the streamed status (no GET …/challenges), the answer's news on the same stream.
    expect(statusRequests).toEqual(ONE_STREAM);
    expect(suite.t.problems.pageErrors).toEqual([]);
  });
});
