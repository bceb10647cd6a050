// Issue 4: a person reaches each of MX's 22 connection statuses, and each MFA type, from the demo's UI by typing the
// documented password (docs/sandbox.md: `STATUS_<NAME>`, and the MFA passwords). Each case drives the BUILT demo in
// Debian's Chromium and checks what product.md's "What each connection_status leads to" table promises, through the
// widget's own copy (src/widget/copy.ts). One browser; a fresh context per case, so a fresh cookie, demo session and
// sandbox user (no duplicate-member 409 between cases). Cases run concurrently: most of their time is the sandbox's
// aggregation phases, during which a page only waits.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import type { ExpectStatic } from 'vitest';
import { afterAll, beforeAll, describe, it } from 'vitest';

import { launchChromium, newTestContext } from '../support/browser.ts';
import { hostResult, logInToMxBank, stepHeading, widget } from '../support/demoFlow.ts';
import type { RunningDemo } from '../support/demoServer.ts';
import { startBuiltDemo } from '../support/demoServer.ts';

/** Where a failing case leaves a screenshot of the page as the user saw it. */
const FAILURE_SHOTS = path.join(tmpdir(), 'member-connect-statuses-e2e');

let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  demo = await startBuiltDemo();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Runs `drive` in a fresh context; on failure saves a screenshot and prints the demo's output, then rethrows. */
async function asNewUser(name: string, expect: ExpectStatic, drive: (page: Page) => Promise<void>) {
  const t = await newTestContext(browser, demo.url);
  try {
    await drive(t.page);
    // Nothing the widget did broke the demo's strict CSP or threw.
    expect(t.problems.cspViolations).toEqual([]);
    expect(t.problems.pageErrors).toEqual([]);
  } catch (error) {
    await mkdir(FAILURE_SHOTS, { recursive: true });
    const shot = path.join(FAILURE_SHOTS, `${name}.png`);
    await t.page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    console.error(`${name} failed; screenshot: ${shot}\ndemo server output:\n${demo.output()}`);
    throw error;
  } finally {
    await t.close();
  }
}

/** Every status the widget reported to the host (`memberStatusUpdate`), from the demo page's event log. */
async function reportedStatuses(page: Page): Promise<string[]> {
  const log = (await page.getByRole('list', { name: 'Widget events, newest first' }).textContent()) ?? '';
  return [...log.matchAll(/"connection_status":"([A-Z]+)"/g)].map((match) => match[1] ?? '');
}

async function expectConnected(page: Page, expect: ExpectStatic) {
  await stepHeading(page, 'Connected').waitFor();
  await widget(page).getByText('You connected MX Bank to Fernway.').waitFor();
  await hostResult(page).filter({ hasText: 'onSuccess' }).waitFor();
  expect(await hostResult(page).textContent()).toMatch(
    /^onSuccess: connected mxbank as member MBR-[\w-]+, \d+ account\(s\):/,
  );
}

/** Closes the widget from an error step; the host hears onExit with `reason`. */
async function closeAndExpectExit(page: Page, expect: ExpectStatic, reason: string) {
  await widget(page).getByRole('button', { name: 'Close', exact: true }).click();
  await stepHeading(page, 'Connection closed').waitFor();
  await hostResult(page).filter({ hasText: 'onExit' }).waitFor();
  expect(await hostResult(page).textContent()).toBe(`onExit: ${reason}`);
}

type Outcome =
  | { kind: 'connected'; delayedText?: true }
  | { kind: 'mfa' }
  | { kind: 'credentials'; reason: string }
  | { kind: 'rejected' }
  | { kind: 'expired' }
  | { kind: 'actionAtInstitution' }
  | { kind: 'institutionProblem' }
  | { kind: 'unavailable' }
  | { kind: 'oauth' };

/** product.md, "What each connection_status leads to", in the widget's words. */
const STATUS_CASES: readonly { status: string; outcome: Outcome }[] = [
  { status: 'CREATED', outcome: { kind: 'connected' } },
  { status: 'UPDATED', outcome: { kind: 'connected' } },
  { status: 'RESUMED', outcome: { kind: 'connected' } },
  { status: 'RECONNECTED', outcome: { kind: 'connected' } },
  { status: 'DELAYED', outcome: { kind: 'connected', delayedText: true } },
  { status: 'CONNECTED', outcome: { kind: 'connected' } },
  { status: 'CHALLENGED', outcome: { kind: 'mfa' } },
  { status: 'REJECTED', outcome: { kind: 'rejected' } },
  { status: 'EXPIRED', outcome: { kind: 'expired' } },
  {
    status: 'DENIED',
    outcome: { kind: 'credentials', reason: 'The username or password is not correct. Check them and try again.' },
  },
  {
    status: 'PREVENTED',
    outcome: {
      kind: 'credentials',
      reason: 'There were too many failed attempts. Check your credentials carefully before trying again.',
    },
  },
  {
    status: 'IMPAIRED',
    outcome: { kind: 'credentials', reason: 'Some required information is missing. Please fill in every field.' },
  },
  {
    status: 'IMPORTED',
    outcome: { kind: 'credentials', reason: 'Enter your credentials to finish connecting this account.' },
  },
  { status: 'LOCKED', outcome: { kind: 'actionAtInstitution' } },
  { status: 'IMPEDED', outcome: { kind: 'actionAtInstitution' } },
  { status: 'FAILED', outcome: { kind: 'institutionProblem' } },
  { status: 'DEGRADED', outcome: { kind: 'institutionProblem' } },
  { status: 'DISCONNECTED', outcome: { kind: 'institutionProblem' } },
  { status: 'DISCONTINUED', outcome: { kind: 'unavailable' } },
  { status: 'CLOSED', outcome: { kind: 'unavailable' } },
  { status: 'DISABLED', outcome: { kind: 'unavailable' } },
  { status: 'PENDING', outcome: { kind: 'oauth' } },
];

async function expectOutcome(page: Page, expect: ExpectStatic, outcome: Outcome) {
  const w = widget(page);
  switch (outcome.kind) {
    case 'connected': {
      if (outcome.delayedText) {
        await stepHeading(page, 'Connecting to MX Bank').waitFor();
        await w
          .getByRole('status')
          .filter({ hasText: 'This is taking longer than usual. You can keep waiting.' })
          .waitFor();
      }
      await expectConnected(page, expect);
      return;
    }
    case 'mfa': {
      await stepHeading(page, 'MX Bank needs more information').waitFor();
      await w.getByRole('textbox', { name: 'What city were you born in?', exact: true }).waitFor();
      await w.getByRole('button', { name: 'Submit', exact: true }).waitFor();
      return;
    }
    case 'credentials': {
      // Back on the form of the same member, under the same heading (issue 12 §3), with the reason; the rejected
      // password is not kept, and that field has focus.
      const alert = w.getByRole('alert').filter({ hasText: 'The credentials were not accepted.' });
      await alert.waitFor();
      await stepHeading(page, 'Log in to MX Bank').waitFor();
      expect(await alert.textContent()).toContain(outcome.reason);
      const password = w.getByLabel('Password', { exact: true });
      expect(await password.inputValue()).toBe('');
      // The retry updates that member (PUT) and, with an ordinary password, connects it.
      await w.getByLabel('Username', { exact: true }).fill('mxuser');
      await password.fill('an-ordinary-password');
      await w.getByRole('button', { name: 'Continue', exact: true }).click();
      await expectConnected(page, expect);
      const log = (await page.getByRole('list', { name: 'Widget events, newest first' }).textContent()) ?? '';
      expect(log).toContain('mx/connect/updateCredentials');
      return;
    }
    case 'rejected':
    case 'expired': {
      await stepHeading(
        page,
        outcome.kind === 'rejected' ? 'That answer was not accepted.' : 'The time to answer ran out.',
      ).waitFor();
      await w.getByRole('button', { name: 'Start again', exact: true }).waitFor();
      await w.getByRole('button', { name: 'Close', exact: true }).waitFor();
      return;
    }
    case 'actionAtInstitution': {
      await stepHeading(page, 'MX Bank needs your attention.').waitFor();
      await w.getByText('Log in on the MX Bank website to resolve the issue, then try again here.').waitFor();
      const link = w.getByRole('link', { name: 'Go to MX Bank website (opens in a new tab)', exact: true });
      expect(await link.getAttribute('href')).toBe('https://www.mxbank.com/'); // the widget hands on the URL normalised (safeUrl)
      expect(await link.getAttribute('target')).toBe('_blank');
      // Fixed at the bank, the person can try again here, or choose another bank (issue 12 §5).
      expect(await w.getByRole('button', { name: 'Try again' }).count()).toBe(1);
      expect(await w.getByRole('button', { name: 'Choose another bank' }).count()).toBe(1);
      await closeAndExpectExit(page, expect, 'actionRequired');
      return;
    }
    case 'institutionProblem': {
      await stepHeading(page, 'MX Bank is having trouble.').waitFor();
      await w.getByText('The institution could not be reached. You can try again now or come back later.').waitFor();
      // Retry starts a new aggregation; the sandbox's institution still fails, so the same step comes back.
      await w.getByRole('button', { name: 'Try again', exact: true }).click();
      await stepHeading(page, 'Connecting to MX Bank').waitFor();
      await stepHeading(page, 'MX Bank is having trouble.').waitFor();
      await closeAndExpectExit(page, expect, 'institutionError');
      return;
    }
    case 'unavailable': {
      await stepHeading(page, 'This connection is not available.').waitFor();
      await w.getByText('MX Bank cannot be connected here right now.').waitFor();
      expect(await w.getByRole('button', { name: 'Try again' }).count()).toBe(0);
      expect(await w.getByRole('button', { name: 'Start again' }).count()).toBe(0);
      await closeAndExpectExit(page, expect, 'connectionUnavailable');
      return;
    }
    case 'oauth': {
      // The sandbox lets a PENDING MX Bank member finish through its consent page (docs/sandbox.md).
      await stepHeading(page, 'Connect with MX Bank').waitFor();
      const popupOpened = page.waitForEvent('popup');
      await w.getByRole('button', { name: 'Go to MX Bank', exact: true }).click();
      const popup = await popupOpened;
      const authorize = popup.getByRole('button', { name: 'Authorize' });
      await authorize.waitFor();
      const popupClosed = popup.waitForEvent('close');
      await authorize.click();
      await popupClosed;
      await expectConnected(page, expect);
      return;
    }
    default:
      return outcome satisfies never;
  }
}

describe.concurrent('each of the 22 connection statuses, reached by typing STATUS_<NAME> in the demo', () => {
  it('the table covers all 22 statuses once', ({ expect }) => {
    const statuses = STATUS_CASES.map((entry) => entry.status);
    expect(new Set(statuses).size).toBe(22);
  });

  it.for(STATUS_CASES)('$status → $outcome.kind', async ({ status, outcome }, { expect }) => {
    await asNewUser(`STATUS_${status}`, expect, async (page) => {
      await logInToMxBank(page, `STATUS_${status}`);
      await expectOutcome(page, expect, outcome);
      // The widget really saw the status (its memberStatusUpdate event), not just a look-alike screen.
      expect(await reportedStatuses(page)).toContain(status);
    });
  });
});

type MfaControls = (page: Page, expect: ExpectStatic) => Promise<void>;

const textQuestion: MfaControls = async (page) => {
  await widget(page).getByRole('textbox', { name: 'What city were you born in?', exact: true }).waitFor();
};
const radioQuestion =
  (question: string, options: readonly string[]): MfaControls =>
  async (page, expect) => {
    // Few options: a radio group (product.md, OPTIONS).
    const group = widget(page).getByRole('group', { name: question, exact: true });
    await group.waitFor();
    for (const option of options) await group.getByRole('radio', { name: option, exact: true }).waitFor();
    expect(await group.getByRole('radio').count()).toBe(options.length);
  };
const oneTimeCode: MfaControls = async (page, expect) => {
  const code = widget(page).getByRole('textbox', { name: 'Enter the 6-digit code we sent you', exact: true });
  await code.waitFor();
  expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
  expect(await code.getAttribute('inputmode')).toBe('numeric');
};

const MFA_CASES: readonly { password: string; controls: MfaControls }[] = [
  { password: 'challenge', controls: textQuestion },
  { password: 'options', controls: radioQuestion('Which of these is the correct answer?', ['correct', 'incorrect']) },
  {
    password: 'image',
    controls: async (page, expect) => {
      // The picture is decorative next to its labelled text answer (alt=""), so it has no role to find it by.
      const picture = widget(page).locator('img[src^="data:image/"]');
      await picture.waitFor();
      expect(await picture.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      await widget(page).getByRole('textbox', { name: 'Type the characters in the picture', exact: true }).waitFor();
    },
  },
  { password: 'token', controls: oneTimeCode },
  {
    password: 'image_options',
    controls: async (page, expect) => {
      const choices = ['A red circle', 'A green square', 'A blue triangle'];
      await radioQuestion('Choose your security image', choices)(page, expect);
      // Each choice is a picture that really renders under the CSP, beside its visible label (so the picture is
      // decorative: the radio's name is the label).
      for (const choice of choices) {
        const image = widget(page).locator('label', { hasText: choice }).locator('img');
        expect(await image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      }
    },
  },
  {
    password: 'two_round',
    controls: radioQuestion('Where should we send your one-time code?', ['Text (***) ***-1234', 'Text (***) ***-5678']),
  },
  {
    password: 'multi_challenge',
    controls: async (page, expect) => {
      await textQuestion(page, expect);
      await radioQuestion('Which of these is the correct answer?', ['correct', 'incorrect'])(page, expect);
      await oneTimeCode(page, expect);
    },
  },
];

describe.concurrent('each MFA type reaches its MFA screen with the right control', () => {
  it.for(MFA_CASES)('$password', async ({ password, controls }, { expect }) => {
    await asNewUser(`mfa-${password}`, expect, async (page) => {
      await logInToMxBank(page, password);
      await stepHeading(page, 'MX Bank needs more information').waitFor();
      await controls(page, expect);
      await widget(page).getByRole('button', { name: 'Submit', exact: true }).waitFor();
      expect(await reportedStatuses(page)).toContain('CHALLENGED');
    });
  });
});
